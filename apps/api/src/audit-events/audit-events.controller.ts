import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCommonErrors, ApiErrors } from '@berth/common';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { AuditEventsService } from './audit-events.service';
import { AuditEventPage, AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit-events')
@ApiCommonErrors()
@Controller('audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  @Get()
  @Allow('read', 'AuditEvent')
  @ApiOperation({ summary: 'List audit events the caller can see' })
  @ApiOkResponse({ type: AuditEventPage })
  @ApiErrors(404)
  list(@CurrentCaller() caller: Caller, @Query() query: AuditQueryDto) {
    return this.events.list(caller, query);
  }
}
