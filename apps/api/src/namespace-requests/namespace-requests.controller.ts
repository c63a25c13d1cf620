import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { IdParam, TenantParam } from '../common/name.param';
import { send, Reply } from '../common/send';
import { Idempotency } from '../idempotency/idempotency-key.decorator';
import type { IdempotencyRequest } from '../idempotency/idempotency.service';
import { ApproveDto, CancelDto, DryRunQueryDto, RejectDto, RequestListQueryDto } from './dto/decide.dto';
import { DryRunResponse, NamespaceRequestPage, NamespaceRequestResponse } from './dto/namespace-request.response';
import { CreateNamespaceRequestDto } from './dto/namespace-spec.dto';
import { NamespaceRequestsService } from './namespace-requests.service';

@ApiTags('namespace-requests')
@Controller()
export class NamespaceRequestsController {
  constructor(private readonly requests: NamespaceRequestsService) {}

  @Post('tenants/:tenant/namespace-requests')
  @Allow('create', 'NamespaceRequest')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe submission (same key + body replays the first answer)' })
  @ApiCreatedResponse({ type: NamespaceRequestResponse, description: 'Approved or PendingApproval' })
  @ApiOkResponse({ type: DryRunResponse, description: '?dryRun=true: the decision only' })
  @ApiUnprocessableEntityResponse({ description: 'Denied by policy; `details` lists the reasons' })
  async create(
    @CurrentCaller() caller: Caller,
    @Param() { tenant }: TenantParam,
    @Query() { dryRun }: DryRunQueryDto,
    @Body() dto: CreateNamespaceRequestDto,
    @Idempotency() idem: IdempotencyRequest | undefined,
    @Res() reply: Reply,
  ) {
    send(reply, await this.requests.create(caller, tenant, dto, dryRun === 'true', idem));
  }

  @Get('tenants/:tenant/namespace-requests')
  @Allow('read', 'NamespaceRequest')
  @ApiOkResponse({ type: NamespaceRequestPage })
  listForTenant(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: RequestListQueryDto) {
    return this.requests.listForTenant(caller, tenant, query);
  }

  @Get('namespace-requests')
  @Allow('read', 'NamespaceRequest')
  @ApiOkResponse({ type: NamespaceRequestPage })
  list(@CurrentCaller() caller: Caller, @Query() query: RequestListQueryDto) {
    return this.requests.listVisible(caller, query);
  }

  @Get('namespace-requests/:id')
  @Allow('read', 'NamespaceRequest')
  @ApiOkResponse({ type: NamespaceRequestResponse })
  get(@CurrentCaller() caller: Caller, @Param() { id }: IdParam) {
    return this.requests.get(caller, id);
  }

  @Post('namespace-requests/:id/approve')
  @HttpCode(200)
  @Allow('approve', 'NamespaceRequest')
  @ApiOkResponse({ type: NamespaceRequestResponse })
  approve(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: ApproveDto) {
    return this.requests.approve(caller, id, dto);
  }

  @Post('namespace-requests/:id/reject')
  @HttpCode(200)
  @Allow('reject', 'NamespaceRequest')
  @ApiOkResponse({ type: NamespaceRequestResponse })
  reject(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: RejectDto) {
    return this.requests.reject(caller, id, dto);
  }

  @Post('namespace-requests/:id/cancel')
  @HttpCode(200)
  @Allow('cancel', 'NamespaceRequest')
  @ApiOkResponse({ type: NamespaceRequestResponse })
  cancel(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: CancelDto) {
    return this.requests.cancel(caller, id, dto);
  }
}
