import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, ETAG_HEADER } from '@berth/common';
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
@ApiCommonErrors()
@Controller()
export class NamespaceRequestsController {
  constructor(private readonly requests: NamespaceRequestsService) {}

  @Post('tenants/:tenant/namespace-requests')
  @Allow('create', 'NamespaceRequest')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe submission (same key + body replays the first answer)' })
  @ApiOperation({ summary: 'Submit a namespace request (Create); ?dryRun=true decides without storing' })
  @ApiCreatedResponse({ type: NamespaceRequestResponse, description: 'Approved or PendingApproval', headers: ETAG_HEADER })
  @ApiOkResponse({ type: DryRunResponse, description: '?dryRun=true: the decision only' })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
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
  @ApiOperation({ summary: "List a tenant's namespace requests" })
  @ApiOkResponse({ type: NamespaceRequestPage })
  @ApiErrors(404)
  listForTenant(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: RequestListQueryDto) {
    return this.requests.listForTenant(caller, tenant, query);
  }

  @Get('namespace-requests')
  @Allow('read', 'NamespaceRequest')
  @ApiOperation({ summary: 'List namespace requests the caller can see (e.g. those waiting for their approval)' })
  @ApiOkResponse({ type: NamespaceRequestPage })
  list(@CurrentCaller() caller: Caller, @Query() query: RequestListQueryDto) {
    return this.requests.listVisible(caller, query);
  }

  @Get('namespace-requests/:id')
  @Allow('read', 'NamespaceRequest')
  @ApiOperation({ summary: 'Get a namespace request' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404)
  get(@CurrentCaller() caller: Caller, @Param() { id }: IdParam) {
    return this.requests.get(caller, id);
  }

  @Post('namespace-requests/:id/approve')
  @HttpCode(200)
  @Allow('approve', 'NamespaceRequest')
  @ApiOperation({ summary: 'Approve a request pending approval (four eyes: not your own)' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
  approve(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: ApproveDto) {
    return this.requests.approve(caller, id, dto);
  }

  @Post('namespace-requests/:id/reject')
  @HttpCode(200)
  @Allow('reject', 'NamespaceRequest')
  @ApiOperation({ summary: 'Reject a request pending approval' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409)
  @ApiBodyErrors()
  reject(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: RejectDto) {
    return this.requests.reject(caller, id, dto);
  }

  @Post('namespace-requests/:id/cancel')
  @HttpCode(200)
  @Allow('cancel', 'NamespaceRequest')
  @ApiOperation({ summary: 'Cancel your request pending approval' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409)
  @ApiBodyErrors()
  cancel(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: CancelDto) {
    return this.requests.cancel(caller, id, dto);
  }
}
