import { Body, Controller, Delete, Get, Headers, HttpStatus, Param, Patch, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, ETAG_HEADER, versionFromIfMatch } from '@berth/common';
import { TenantParam } from '../common/name.param';
import { AnswersDryRun } from '../common/dry-run.interceptor';
import { Idempotent, IdempotentAnswer } from '../idempotency/idempotency.interceptor';
import type { AnswerRecorder } from '../idempotency/idempotency.service';
import { DryRunResponse, NamespaceRequestResponse } from '../namespace-requests/dto/namespace-request.response';
import { ChangeNamespaceDto } from '../namespace-requests/dto/namespace-spec.dto';
import { ClusterQueryDto, NamespaceListQueryDto, NamespacePage, NamespaceParam, NamespaceResponse, UsageResponse } from './dto/namespace.response';
import { NamespacesService } from './namespaces.service';

@ApiTags('namespaces')
@ApiCommonErrors()
@Controller('tenants/:tenant')
export class NamespacesController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Get('namespaces')
  @Allow('read', 'Namespace')
  @ApiOperation({ summary: "List a tenant's namespaces" })
  @ApiOkResponse({ type: NamespacePage })
  @ApiErrors(404)
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: NamespaceListQueryDto) {
    return this.namespaces.list(caller, tenant, query);
  }

  @Get('namespaces/:name')
  @Allow('read', 'Namespace')
  @ApiOperation({ summary: 'Get a namespace: desired spec, status and usage' })
  @ApiOkResponse({ type: NamespaceResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409)
  get(@CurrentCaller() caller: Caller, @Param() { tenant, name }: NamespaceParam, @Query() { cluster }: ClusterQueryDto) {
    return this.namespaces.get(caller, tenant, name, cluster);
  }

  @Patch('namespaces/:name')
  @AnswersDryRun(HttpStatus.CREATED)
  @Idempotent()
  @Allow('update', 'Namespace')
  @ApiOperation({ summary: 'Change a namespace (a Change request); ?dryRun=true decides without storing' })
  @ApiCreatedResponse({ type: NamespaceRequestResponse, description: 'A Change request (Approved or PendingApproval)', headers: ETAG_HEADER })
  @ApiOkResponse({ type: DryRunResponse, description: '?dryRun=true: the decision only' })
  @ApiErrors(404, 409, 412, 422)
  @ApiBodyErrors()
  change(
    @CurrentCaller() caller: Caller,
    @Param() { tenant, name }: NamespaceParam,
    @Query() { cluster, dryRun }: ClusterQueryDto,
    @Body() dto: ChangeNamespaceDto,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotentAnswer() answer: AnswerRecorder | undefined,
  ) {
    return this.namespaces.change(caller, tenant, name, dto, { cluster, dryRun, answer, ifMatch: versionFromIfMatch(ifMatch) });
  }

  @Delete('namespaces/:name')
  @AnswersDryRun(HttpStatus.ACCEPTED)
  @Idempotent()
  @Allow('delete', 'Namespace')
  @ApiOperation({ summary: 'Delete a namespace (a Delete request); ?dryRun=true decides without storing' })
  @ApiAcceptedResponse({ type: NamespaceRequestResponse, description: 'A Delete request (Approved or PendingApproval)', headers: ETAG_HEADER })
  @ApiOkResponse({ type: DryRunResponse, description: '?dryRun=true: the decision only' })
  @ApiErrors(404, 409, 412, 422)
  remove(
    @CurrentCaller() caller: Caller,
    @Param() { tenant, name }: NamespaceParam,
    @Query() { cluster, dryRun }: ClusterQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotentAnswer() answer: AnswerRecorder | undefined,
  ) {
    return this.namespaces.remove(caller, tenant, name, { cluster, dryRun, answer, ifMatch: versionFromIfMatch(ifMatch) });
  }

  @Get('usage')
  @Allow('read', 'Namespace')
  @ApiOperation({ summary: "A tenant's quota usage against its budget" })
  @ApiOkResponse({ type: UsageResponse })
  @ApiErrors(404)
  usage(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam) {
    return this.namespaces.usage(caller, tenant);
  }
}
