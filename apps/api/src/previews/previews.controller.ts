import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { PageQueryDto } from '@berth/common';
import { TenantParam } from '../common/name.param';
import { Reply, send } from '../common/send';
import { CreatePreviewDto, PreviewParam } from './dto/create-preview.dto';
import { PreviewPage, PreviewResponse } from './dto/preview.response';
import { PreviewsService } from './previews.service';

@ApiTags('previews')
@Controller('tenants/:tenant/previews')
export class PreviewsController {
  constructor(private readonly previews: PreviewsService) {}

  @Post()
  @Allow('create', 'Preview')
  @ApiCreatedResponse({ type: PreviewResponse, description: 'A new preview: its Create request' })
  @ApiOkResponse({ type: PreviewResponse, description: 'An existing preview refreshed (TTL restarted, head commit recorded): its Change request' })
  @ApiUnprocessableEntityResponse({
    description: '`preview.limit-reached`, a missing default (`preview.cluster-required`, `preview.tier-required`) or a policy denial',
  })
  @ApiConflictResponse({ description: 'The previous namespace of this pull request is still being deleted, or a create is in flight' })
  async upsert(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Body() dto: CreatePreviewDto, @Res() reply: Reply) {
    send(reply, await this.previews.upsert(caller, tenant, dto));
  }

  @Get()
  @Allow('read', 'Preview')
  @ApiOkResponse({ type: PreviewPage })
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.previews.list(caller, tenant, query);
  }

  @Delete(':pullRequest')
  @Allow('delete', 'Preview')
  @ApiAcceptedResponse({ type: PreviewResponse, description: "The namespace's Delete request (the fleet writer removes it later); the preview is gone" })
  async remove(@CurrentCaller() caller: Caller, @Param() { tenant, pullRequest }: PreviewParam, @Res() reply: Reply) {
    send(reply, await this.previews.remove(caller, tenant, pullRequest));
  }
}
