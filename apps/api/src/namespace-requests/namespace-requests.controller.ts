import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, ETAG_HEADER } from '@berth/common';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { IdParam, TenantParam } from '../common/name.param';
import { AnswersDryRun } from '../common/dry-run.interceptor';
import { Idempotent, IdempotentAnswer } from '../idempotency/idempotency.interceptor';
import type { AnswerRecorder } from '../idempotency/idempotency.service';
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
  @AnswersDryRun(HttpStatus.CREATED)
  @Idempotent()
  @Allow('create', 'NamespaceRequest')
  @ApiOperation({ summary: 'Submit a namespace request (Create); ?dryRun=true decides without storing' })
  @ApiCreatedResponse({ type: NamespaceRequestResponse, description: 'Approved or PendingApproval', headers: ETAG_HEADER })
  @ApiOkResponse({ type: DryRunResponse, description: '?dryRun=true: the decision only' })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
  create(
    @CurrentCaller() caller: Caller,
    @Param() { tenant }: TenantParam,
    @Query() { dryRun }: DryRunQueryDto,
    @Body() dto: CreateNamespaceRequestDto,
    @IdempotentAnswer() answer: AnswerRecorder | undefined,
  ) {
    return this.requests.create(caller, tenant, dto, { dryRun, answer });
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
  @HttpCode(HttpStatus.OK)
  @Allow('approve', 'NamespaceRequest')
  @ApiOperation({ summary: 'Approve a request pending approval (four eyes: not your own)' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
  approve(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: ApproveDto) {
    return this.requests.approve(caller, id, dto);
  }

  @Post('namespace-requests/:id/reject')
  @HttpCode(HttpStatus.OK)
  @Allow('reject', 'NamespaceRequest')
  @ApiOperation({ summary: 'Reject a request pending approval' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409)
  @ApiBodyErrors()
  reject(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: RejectDto) {
    return this.requests.reject(caller, id, dto);
  }

  @Post('namespace-requests/:id/cancel')
  @HttpCode(HttpStatus.OK)
  @Allow('cancel', 'NamespaceRequest')
  @ApiOperation({ summary: 'Cancel your request pending approval' })
  @ApiOkResponse({ type: NamespaceRequestResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409)
  @ApiBodyErrors()
  cancel(@CurrentCaller() caller: Caller, @Param() { id }: IdParam, @Body() dto: CancelDto) {
    return this.requests.cancel(caller, id, dto);
  }
}
