import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { AuditEventsService } from './audit-events.service';
import { AuditEventPage, AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit-events')
@Controller('audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  @Get()
  @Allow('read', 'AuditEvent')
  @ApiOkResponse({ type: AuditEventPage })
  list(@CurrentCaller() caller: Caller, @Query() query: AuditQueryDto) {
    return this.events.list(caller, query);
  }
}
