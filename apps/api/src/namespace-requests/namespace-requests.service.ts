import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Tenant } from '@prisma/client';
import { accessibleWhere, assertCan, Caller } from '@berth/authz';
import { ConflictError, DEFAULT_PAGE_SIZE, NotFoundError, Page, PageCursor, toPage, UnprocessableError } from '@berth/common';
import type { SqlTx } from '@berth/prisma';
import { requestEvent, WebhookEvents } from '@berth/webhooks';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import type { AnswerRecorder } from '../idempotency/idempotency.service';
import { TenantsService } from '../tenants/tenants.service';
import { specFromInput } from './desired-spec';
import { ApproveDto, CancelDto, RejectDto, RequestListQueryDto } from './dto/decide.dto';
import { DryRunResponse, NamespaceRequestResponse } from './dto/namespace-request.response';
import { CreateNamespaceRequestDto } from './dto/namespace-spec.dto';
import { NamespaceSpecResponse } from './dto/namespace-spec.response';
import { Ask, Decided, NamespaceDecisions, policyDenied, refusalOf } from './namespace-decisions';
import { NamespaceRequestsRepository, RequestWithTenant } from './namespace-requests.repository';
import { TenantUnitOfWork } from './tenant-unit-of-work';

const CURSOR = new PageCursor('namespace-requests', (key) => isUUID(key));

/** How a create, change or delete is submitted: a dry run stores nothing; `answer` records the answer with the request (Idempotency-Key). */
export interface SubmitOptions {
  dryRun?: boolean;
  answer?: AnswerRecorder;
}

export const toResponse = (row: RequestWithTenant) => NamespaceRequestResponse.from(row, row.tenant.name);

/** The answer of a decision as the caller gets it: the stored request, or the error it is (a deny, another pending request). */
export function answerOf(decided: Decided, name: string): NamespaceRequestResponse | ConflictError | UnprocessableError {
  return decided.outcome === 'stored' ? toResponse(decided.request) : refusalOf(decided, name);
}

/**
 * The request lifecycle over the API: submissions (create, and the change and delete of NamespacesService)
 * are decided by {@link NamespaceDecisions} in a tenant unit held here; platform admins decide what needs
 * approval (never their own); requesters cancel. Answers are domain objects; statuses are the routes'.
 */
@Injectable()
export class NamespaceRequestsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly requests: NamespaceRequestsRepository,
    private readonly decisions: NamespaceDecisions,
    private readonly units: TenantUnitOfWork,
    private readonly webhooks: WebhookEvents,
    private readonly audit: AuditEventsRepository,
  ) {}

  async create(caller: Caller, tenantName: string, dto: CreateNamespaceRequestDto, opts: SubmitOptions): Promise<NamespaceRequestResponse | DryRunResponse> {
    const tenant = await this.tenants.resolveRef(caller, tenantName);
    assertCan(caller.ability, 'create', 'NamespaceRequest', { tenantId: tenant.id });
    if (dto.protected !== undefined) assertCan(caller.ability, 'delete', 'Namespace', { tenantId: tenant.id }, 'protected');
    return this.submit(caller, tenant, { kind: 'Create', name: dto.name, cluster: dto.cluster, spec: specFromInput(dto), reason: dto.reason }, opts);
  }

  /**
   * One ask decided in its own tenant unit, its answer recorded with it: shared by create, change (PATCH a
   * namespace) and delete (DELETE a namespace). Authorization is the caller's job.
   */
  async submit(caller: Caller, tenant: Pick<Tenant, 'id'>, ask: Ask, { dryRun, answer }: SubmitOptions): Promise<NamespaceRequestResponse | DryRunResponse> {
    if (dryRun) return { decision: await this.decisions.evaluate(tenant.id, ask), spec: NamespaceSpecResponse.from(ask.spec) };
    const decided = await this.units.run(tenant.id, async (unit) => {
      // An answer to record (Idempotency-Key) is the unit's last statement; without one, the decision is.
      const outcome = await this.decisions.decide(unit, caller, ask, { endsUnit: !answer });
      // A deny commits (its audit event) and so does its answer; a pending request is refused before anything is stored.
      if (outcome.outcome !== 'busy') await answer?.record(unit.tx, answerOf(outcome, ask.name));
      return outcome;
    });
    const answered = answerOf(decided, ask.name);
    if (answered instanceof Error) throw answered;
    return answered;
  }

  async get(caller: Caller, id: string): Promise<NamespaceRequestResponse> {
    return toResponse(await this.load(caller, id));
  }

  async listForTenant(caller: Caller, tenantName: string, query: RequestListQueryDto): Promise<Page<NamespaceRequestResponse>> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'read', 'NamespaceRequest', { tenantId: tenant.id });
    return this.page(caller, { tenantId: tenant.id, state: query.state }, query);
  }

  /** Across every tenant the caller can see: the approval queue of platform admins (`?state=PendingApproval`). */
  listVisible(caller: Caller, query: RequestListQueryDto): Promise<Page<NamespaceRequestResponse>> {
    return this.page(caller, { state: query.state }, query);
  }

  async approve(caller: Caller, id: string, dto: ApproveDto): Promise<NamespaceRequestResponse> {
    const request = await this.load(caller, id);
    assertCan(caller.ability, 'approve', 'NamespaceRequest', request);
    const approval = await this.units.run(request.tenantId, async (unit) => this.decisions.approve(unit, caller, await this.pending(unit.tx, id), dto.comment));
    if (approval.outcome === 'denied') throw policyDenied(approval.decision);
    return toResponse(approval.request);
  }

  async reject(caller: Caller, id: string, dto: RejectDto): Promise<NamespaceRequestResponse> {
    const request = await this.load(caller, id);
    assertCan(caller.ability, 'reject', 'NamespaceRequest', request);
    return this.close(caller, request, 'Rejected', dto.comment);
  }

  async cancel(caller: Caller, id: string, dto: CancelDto): Promise<NamespaceRequestResponse> {
    const request = await this.load(caller, id);
    assertCan(caller.ability, 'cancel', 'NamespaceRequest', request);
    return this.close(caller, request, 'Cancelled', dto.comment);
  }

  private async close(caller: Caller, request: RequestWithTenant, state: 'Rejected' | 'Cancelled', comment?: string): Promise<NamespaceRequestResponse> {
    const closed = await this.units.run(request.tenantId, async ({ tx }) => {
      const locked = await this.pending(tx, request.id);
      const row = await this.requests.decideRequest(tx, request.id, { state, decidedBy: caller.principal.actor, decidedAt: new Date(), comment });
      await this.webhooks.emit(tx, requestEvent(state === 'Rejected' ? 'namespace-request.rejected' : 'namespace-request.cancelled', row, locked.tenant.name));
      await this.audit.record(tx, caller, {
        action: `namespace-request.${state === 'Rejected' ? 'reject' : 'cancel'}`,
        targetType: 'NamespaceRequest',
        targetId: request.id,
        tenantId: locked.tenantId,
        before: { state: locked.state },
        after: { state, comment },
      });
      return row;
    });
    return toResponse(closed);
  }

  private async pending(tx: SqlTx, id: string): Promise<RequestWithTenant> {
    const locked = await this.requests.lockRequest(tx, id);
    if (locked.state !== 'PendingApproval') {
      throw new ConflictError(`Request is ${locked.state}; only a request pending approval can be decided or cancelled`, [
        { field: 'state', code: 'not-pending', message: `request state is ${locked.state}` },
      ]);
    }
    return locked;
  }

  private async load(caller: Caller, id: string): Promise<RequestWithTenant> {
    const row = await this.requests.findRequest(accessibleWhere(caller.ability, 'read', 'NamespaceRequest'), id);
    if (!row) throw new NotFoundError('Namespace request', id);
    return row;
  }

  private async page(caller: Caller, filter: { tenantId?: string; state?: RequestListQueryDto['state'] }, query: RequestListQueryDto) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.requests.listRequests(accessibleWhere(caller.ability, 'read', 'NamespaceRequest'), filter, limit, CURSOR.decode(query.cursor));
    return toPage(CURSOR, rows, limit, (r) => r.id, toResponse);
  }
}
