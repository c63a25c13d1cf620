import { Inject, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { NamespaceRequest, Tenant } from '@prisma/client';
import { accessibleWhere, assertCan, Caller, Principal } from '@berth/authz';
import { assertVersion, ConflictError, DEFAULT_PAGE_SIZE, NO_VERSION, NotFoundError, Page, PageCursor, toPage, UnprocessableError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { BerthMetrics } from '@berth/common/metrics';
import { Decision, evaluate, parseDuration, PolicyOptions, RequestKind } from '@berth/policy';
import type { PrismaTx } from '@berth/prisma';
import { FleetQueue } from '@berth/gitops/writer';
import { requestEvent, WebhookEvents } from '@berth/webhooks';
import { recordAudit } from '../audit-events/audit.writer';
import { HttpResult, IdempotencyRequest, IdempotencyService, SettleIn } from '../idempotency/idempotency.service';
import { TenantsService } from '../tenants/tenants.service';
import { approvedQuota, DesiredSpec, specFromInput } from './desired-spec';
import { ApproveDto, CancelDto, RejectDto, RequestListQueryDto } from './dto/decide.dto';
import { DryRunResponse, NamespaceRequestResponse } from './dto/namespace-request.response';
import { CreateNamespaceRequestDto } from './dto/namespace-spec.dto';
import { buildSnapshot, policyOptionsFrom, tiersOf } from './policy-snapshot';
import { NamespaceRequestsRepository, PolicyState, RequestWithTenant } from './namespace-requests.repository';

const CURSOR = new PageCursor('namespace-requests', (key) => isUUID(key));

/** One ask of a team: create, change or delete a namespace, with the full desired spec. */
export interface Ask {
  kind: RequestKind;
  name: string;
  cluster: string;
  spec: DesiredSpec;
  reason?: string;
  /** Change/Delete with If-Match: the namespace version the caller last read (checked under the tenant's lock). */
  ifMatch?: number;
}

export const POLICY_ACTOR = 'system:policy';
/** Who asks: a caller over HTTP, or a system actor (TTL expiry) with the same audit fields. */
type Actor = Pick<Caller, 'principal' | 'requestId'>;
/** What one pass of the decision path did: nothing (another request is pending), a deny, or a stored request. */
type Decided = { busy: true } | { decision: Decision } | { request: RequestWithTenant; decision: Decision };
const SYSTEM_TTL: Principal = { kind: 'system', id: 'ttl', actor: 'system:ttl', accountable: 'system:ttl', groups: [], isAdmin: true, memberships: [] };

/** A policy deny as the API answers it: 422 with one detail per reason, ready to show next to fields. */
export function policyDenied(decision: Decision): UnprocessableError {
  const denials = decision.reasons.filter((r) => r.severity === 'deny');
  return new UnprocessableError(
    `Policy denied the request: ${denials.map((r) => r.message).join('; ')}`,
    decision.reasons.map(({ field, code, message, limit, requested, used, severity }) => ({ field, code, message, limit, requested, used, severity })),
  );
}

const toResponse = (row: RequestWithTenant) => NamespaceRequestResponse.from(row, row.tenant.name);

/**
 * The request lifecycle: policy decides (approve / needs-approval / deny), platform admins decide what
 * needs approval (never their own), and every approval turns into a namespace's desired state and its
 * quota ledger rows in the same transaction, under the tenant's lock.
 */
@Injectable()
export class NamespaceRequestsService {
  private readonly policyOptions: Partial<PolicyOptions>;

  constructor(
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly tenants: TenantsService,
    private readonly requests: NamespaceRequestsRepository,
    private readonly idempotency: IdempotencyService,
    private readonly fleet: FleetQueue,
    private readonly webhooks: WebhookEvents,
    private readonly metrics: BerthMetrics,
  ) {
    this.policyOptions = policyOptionsFrom(config);
  }

  async create(caller: Caller, tenantName: string, dto: CreateNamespaceRequestDto, dryRun: boolean, idem?: IdempotencyRequest): Promise<HttpResult> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'create', 'NamespaceRequest', { tenantId: tenant.id });
    if (dto.protected !== undefined) assertCan(caller.ability, 'delete', 'Namespace', { tenantId: tenant.id }, 'protected');
    return this.submit(caller, tenant, { kind: 'Create', name: dto.name, cluster: dto.cluster, spec: specFromInput(dto), reason: dto.reason }, dryRun, idem);
  }

  /** Shared by create, change (PATCH a namespace) and delete (DELETE a namespace). Authorization is the caller's job. */
  async submit(caller: Caller, tenant: Tenant, ask: Ask, dryRun: boolean, idem?: IdempotencyRequest): Promise<HttpResult> {
    if (dryRun) {
      const state = await this.requests.policyStateUnlocked(tenant.id, ask.cluster, ask.name);
      const body: DryRunResponse = { decision: this.judge(state, ask), spec: ask.spec as unknown as Record<string, unknown> };
      return { status: 200, body };
    }
    return this.idempotency.run(caller.principal.actor, idem, (settle) => this.decideAndStore(caller, tenant, ask, settle));
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
    const outcome = await this.requests.withTenantLock(request.tenantId, async (tx) => {
      const locked = await this.pending(tx, id);
      // Re-judge against the state now: budget may have been spent since the request was made. The
      // admin overrides needs-approval reasons only; a deny (name taken, over budget) stands.
      const state = await this.requests.policyState(tx, locked.tenantId, locked.cluster, locked.namespace);
      const decision = this.judge(state, askOf(locked));
      if (decision.outcome === 'deny') return { decision };
      const approved = await this.requests.updateRequest(tx, id, {
        state: 'Approved',
        decision,
        decidedBy: caller.principal.actor,
        decidedAt: new Date(),
        comment: dto.comment,
      });
      await this.apply(tx, approved, state);
      await this.webhooks.emit(tx, requestEvent('namespace-request.approved', approved, locked.tenant.name));
      await recordAudit(tx, caller, {
        action: 'namespace-request.approve',
        targetType: 'NamespaceRequest',
        targetId: id,
        tenantId: locked.tenantId,
        before: { state: locked.state },
        after: { state: approved.state, comment: dto.comment, decision },
      });
      return { approved };
    });
    if (!outcome.approved) throw policyDenied(outcome.decision);
    return toResponse(outcome.approved);
  }

  async reject(caller: Caller, id: string, dto: RejectDto): Promise<NamespaceRequestResponse> {
    const request = await this.load(caller, id);
    assertCan(caller.ability, 'reject', 'NamespaceRequest', request);
    return this.close(caller, id, 'Rejected', dto.comment);
  }

  async cancel(caller: Caller, id: string, dto: CancelDto): Promise<NamespaceRequestResponse> {
    const request = await this.load(caller, id);
    assertCan(caller.ability, 'cancel', 'NamespaceRequest', request);
    return this.close(caller, id, 'Cancelled', dto.comment);
  }

  /**
   * Turns one expired ephemeral namespace into an approved Delete request. Runs under the tenant's
   * lock and re-checks the row, so replicas running the expiry job at once delete it exactly once.
   */
  async expire(namespaceId: string, tenantId: string, now: Date): Promise<boolean> {
    const system = { principal: SYSTEM_TTL, requestId: `ttl-${now.toISOString()}` };
    return this.requests.withTenantLock(tenantId, async (tx) => {
      // Re-read under the lock: another replica may have handled this expiry already (exactly once).
      const current = await this.requests.expiredNamespace(tx, namespaceId, now);
      if (!current) return false;
      const reason = `TTL expired at ${current.expiresAt?.toISOString()}`;
      const outcome = await this.decideLocked(tx, system, tenantId, {
        kind: 'Delete',
        name: current.name,
        cluster: current.cluster,
        spec: current.spec as unknown as DesiredSpec,
        reason,
      });
      if ('decision' in outcome) this.metrics.policyDecided(outcome.decision);
      if ('request' in outcome) await this.webhooks.emit(tx, requestEvent('namespace.expiring', outcome.request, outcome.request.tenant.name));
      return 'request' in outcome;
    });
  }

  private judge(state: PolicyState, ask: Ask): Decision {
    return evaluate(buildSnapshot(state, ask.kind, ask.name, ask.cluster, ask.spec), this.policyOptions);
  }

  /** `settle` stores an Idempotency-Key's answer in the same transaction as the request (exactly once across crashes). */
  private async decideAndStore(caller: Caller, tenant: Tenant, ask: Ask, settle?: SettleIn): Promise<HttpResult<NamespaceRequestResponse>> {
    const outcome = await this.requests.withTenantLock(tenant.id, (tx) => this.decideLocked(tx, caller, tenant.id, ask, settle));
    // Counted once its transaction committed (a rolled-back decision decided nothing).
    if ('decision' in outcome) this.metrics.policyDecided(outcome.decision);
    if ('busy' in outcome) {
      throw new ConflictError(`Namespace ${ask.name} already has a pending change or delete request; cancel it or wait for its decision`, [
        { field: 'name', code: 'request-pending', message: 'another request for this namespace is pending approval' },
      ]);
    }
    if (!('request' in outcome)) throw policyDenied(outcome.decision);
    return { status: 201, body: toResponse(outcome.request) };
  }

  /**
   * The one decision path of every ask — create, change, delete, preview and TTL expiry — inside the
   * tenant's lock: policy decides, an approval is applied at once, anything that needs approval waits
   * for an admin, a deny stores nothing (but the audit trail). A rule added to the policy applies to all.
   */
  private async decideLocked(tx: PrismaTx, caller: Actor, tenantId: string, ask: Ask, settle?: SettleIn): Promise<Decided> {
    if (ask.kind !== 'Create' && (await this.requests.hasPendingFor(tx, tenantId, ask.cluster, ask.name))) return { busy: true as const };
    const state = await this.requests.policyState(tx, tenantId, ask.cluster, ask.name);
    if (ask.ifMatch !== undefined) {
      // Under the lock: a change approved since the caller's read makes their tag stale (nothing is stored).
      assertVersion(ask.ifMatch, state.current?.version ?? NO_VERSION);
    }
    const decision = this.judge(state, ask);
    if (decision.outcome === 'deny') {
      // Refusals are part of the trail too (who asked for what, and why policy said no).
      await recordAudit(tx, caller, {
        action: 'namespace-request.deny',
        targetType: 'NamespaceRequest',
        targetId: `${ask.cluster}/${ask.name}`,
        tenantId,
        after: { kind: ask.kind, spec: ask.spec, decision },
      });
      await settle?.(tx, policyDenied(decision));
      return { decision };
    }
    const approved = decision.outcome === 'approve';
    const request = await this.requests.createRequest(tx, state.tenant.name, {
      tenantId,
      kind: ask.kind,
      namespace: ask.name,
      cluster: ask.cluster,
      spec: ask.spec,
      state: approved ? 'Approved' : 'PendingApproval',
      decision,
      reason: ask.reason,
      requestedBy: caller.principal.actor,
      accountable: caller.principal.accountable,
      decidedBy: approved ? POLICY_ACTOR : null,
      decidedAt: approved ? new Date() : null,
    });
    if (approved) await this.apply(tx, request, state);
    const next = approved ? 'namespace-request.approved' : 'namespace-request.pending-approval';
    await this.webhooks.emit(tx, [requestEvent('namespace-request.created', request, state.tenant.name), requestEvent(next, request, state.tenant.name)]);
    await recordAudit(tx, caller, {
      action: 'namespace-request.create',
      targetType: 'NamespaceRequest',
      targetId: request.id,
      tenantId,
      after: { kind: ask.kind, namespace: ask.name, cluster: ask.cluster, state: request.state, decision, reason: ask.reason },
    });
    await settle?.(tx, { status: 201, body: toResponse(request) });
    return { request, decision };
  }

  /**
   * Makes an approved request the namespace's desired state (and its quota ledger), and writes its
   * outbox record (a fleet-writer job) in the same transaction.
   */
  private async apply(tx: PrismaTx, request: NamespaceRequest, state: PolicyState): Promise<void> {
    const spec = request.spec as unknown as DesiredSpec;
    const current = state.current ?? undefined;
    await this.fleet.enqueue(tx, request.id);
    if (request.kind === 'Delete') {
      if (!current) throw new ConflictError(`Namespace ${request.namespace} no longer exists`);
      await this.requests.markDeleting(tx, current.id, request.id);
      return;
    }
    const ttlSeconds = spec.ttl ? parseDuration(spec.ttl) : null;
    await this.requests.upsertNamespace(
      tx,
      { id: request.kind === 'Change' ? current?.id : undefined, tenantId: request.tenantId, cluster: request.cluster, name: request.namespace },
      {
        spec,
        // Frozen at approval: a change that keeps the quota keeps the resources approved before.
        ...approvedQuota(spec, request.kind === 'Change' ? current : undefined, tiersOf(state)),
        expiresAt: ttlSeconds ? new Date(Date.now() + ttlSeconds * 1000) : null,
        requestId: request.id,
      },
    );
  }

  private async close(caller: Caller, id: string, state: 'Rejected' | 'Cancelled', comment?: string): Promise<NamespaceRequestResponse> {
    const request = await this.load(caller, id);
    const closed = await this.requests.withTenantLock(request.tenantId, async (tx) => {
      const locked = await this.pending(tx, id);
      const row = await this.requests.updateRequest(tx, id, { state, decidedBy: caller.principal.actor, decidedAt: new Date(), comment });
      await this.webhooks.emit(tx, requestEvent(state === 'Rejected' ? 'namespace-request.rejected' : 'namespace-request.cancelled', row, locked.tenant.name));
      await recordAudit(tx, caller, {
        action: `namespace-request.${state === 'Rejected' ? 'reject' : 'cancel'}`,
        targetType: 'NamespaceRequest',
        targetId: id,
        tenantId: locked.tenantId,
        before: { state: locked.state },
        after: { state, comment },
      });
      return row;
    });
    return toResponse(closed);
  }

  private async pending(tx: PrismaTx, id: string): Promise<RequestWithTenant> {
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

function askOf(request: NamespaceRequest): Ask {
  return {
    kind: request.kind,
    name: request.namespace,
    cluster: request.cluster,
    spec: request.spec as unknown as DesiredSpec,
    reason: request.reason ?? undefined,
  };
}
