import { randomUUID } from 'node:crypto';
import { desiredSpecOf } from '@berth/manifests';
import { Inject, Injectable } from '@nestjs/common';
import type { NamespaceRequest } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { assertVersion, Clock, ConflictError, NO_VERSION, UnprocessableError } from '@berth/common';
import { BerthMetrics } from '@berth/common/metrics';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { FleetQueue } from '@berth/fleet';
import { Decision, evaluate, parseDuration, PolicyOptions, RequestKind } from '@berth/policy';
import type { SqlTx } from '@berth/prisma';
import { requestEvent, WebhookEvents } from '@berth/webhooks';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { approvedQuota, DesiredSpec } from './desired-spec';
import {
  isNamespaceNameConflict,
  NamespaceRequestsRepository,
  NamespaceWrite,
  NewRequest,
  PolicyState,
  RequestWithTenant,
} from './namespace-requests.repository';
import { buildSnapshot, policyOptionsFrom, tiersOf } from './policy-snapshot';
import type { TenantUnit } from './tenant-unit-of-work';

/** One ask of a team (or of the system): create, change or delete a namespace, with the full desired spec. */
export interface Ask {
  kind: RequestKind;
  name: string;
  cluster: string;
  spec: DesiredSpec;
  reason?: string;
  /** Change/Delete with If-Match: the namespace version the caller last read (checked under the tenant's lock). */
  ifMatch?: number;
}

/** Who asks: a caller over HTTP, or a system actor (TTL expiry) with the same audit fields. */
export type Actor = Pick<Caller, 'principal' | 'requestId'>;

/**
 * What one decision did: nothing (another Change or Delete of the namespace waits for approval), a deny
 * (only its audit event stored), or a stored request — approved and applied, or pending approval.
 */
export type Decided = { outcome: 'busy' } | { outcome: 'denied'; decision: Decision } | { outcome: 'stored'; decision: Decision; request: RequestWithTenant };

/** A re-judged pending request: approved and applied, or denied by the state at approval time. */
export type Approval = { outcome: 'denied'; decision: Decision } | { outcome: 'approved'; decision: Decision; request: RequestWithTenant };

export const POLICY_ACTOR = 'system:policy';

/** A policy deny as the API answers it: 422 with one detail per reason, ready to show next to fields. */
export function policyDenied(decision: Decision): UnprocessableError {
  const denials = decision.reasons.filter((r) => r.severity === 'deny');
  return new UnprocessableError(
    `Policy denied the request: ${denials.map((r) => r.message).join('; ')}`,
    decision.reasons.map(({ field, code, message, limit, requested, used, severity }) => ({ field, code, message, limit, requested, used, severity })),
  );
}

/** Another Change or Delete of the namespace is pending: a 409 naming it. */
export function requestPending(name: string): ConflictError {
  return new ConflictError(`Namespace ${name} already has a pending change or delete request; cancel it or wait for its decision`, [
    { field: 'name', code: 'request-pending', message: 'another request for this namespace is pending approval' },
  ]);
}

/**
 * A new namespace whose (cluster, name) another tenant's decision took after this one read the state:
 * policy's own answer for a taken name (each decision locks only its tenant; the unique key decided).
 */
export function nameTakenMeanwhile(cluster: string, name: string): UnprocessableError {
  const message = `name "${name}" is already used on cluster "${cluster}"`;
  return new UnprocessableError(`Policy denied the request: ${message}`, [{ field: 'name', code: 'name.taken', message, severity: 'deny' }]);
}

/** The error a decision that stored no request is, for its caller to throw once its unit committed (a deny's audit event stays). */
export function refusalOf(decided: Exclude<Decided, { outcome: 'stored' }>, name: string): ConflictError | UnprocessableError {
  return decided.outcome === 'busy' ? requestPending(name) : policyDenied(decided.decision);
}

/**
 * The one decision seam of every namespace change — create, change, delete, previews and TTL expiry —
 * inside a tenant unit the caller holds (so a caller can add its own rows to the same transaction):
 * policy decides against aggregates read under the lock, an approval is applied at once (desired state,
 * quota ledger, fleet outbox job), anything that needs approval waits for an admin, and a deny stores
 * nothing but its audit event. A rule added to the policy applies to every path. No HTTP here.
 */
@Injectable()
export class NamespaceDecisions {
  private readonly policyOptions: Partial<PolicyOptions>;

  constructor(
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly requests: NamespaceRequestsRepository,
    private readonly fleet: FleetQueue,
    private readonly webhooks: WebhookEvents,
    private readonly metrics: BerthMetrics,
    private readonly clock: Clock,
    private readonly audit: AuditEventsRepository,
  ) {
    this.policyOptions = policyOptionsFrom(config);
  }

  /** A dry run: the decision against the state now, outside any lock (it may be stale by the time anyone acts). */
  async evaluate(tenantId: string, ask: Ask): Promise<Decision> {
    return this.judge(await this.requests.policyStateUnlocked(tenantId, ask.cluster, ask.name), ask);
  }

  /**
   * `endsUnit`: nothing runs in the unit after this decision, so a new namespace's request may go out with
   * the unit's COMMIT (one round trip less under the lock) when no webhook subscription needs a wake-up.
   */
  async decide(unit: TenantUnit, actor: Actor, ask: Ask, { endsUnit = false }: { endsUnit?: boolean } = {}): Promise<Decided> {
    const { tx, tenantId } = unit;
    if (ask.kind !== 'Create' && (await this.requests.hasPendingFor(tx, tenantId, ask.cluster, ask.name))) return { outcome: 'busy' };
    const state = await this.requests.policyState(tx, tenantId, ask.cluster, ask.name);
    // Under the lock: a change approved since the caller's read makes their tag stale (nothing is stored).
    if (ask.ifMatch !== undefined) assertVersion(ask.ifMatch, state.current?.version ?? NO_VERSION);
    const decision = this.judge(state, ask);
    // Counted once the transaction committed (a rolled-back decision decided nothing).
    unit.afterCommit(() => this.metrics.policyDecided(decision));
    if (decision.outcome === 'deny') {
      // Refusals are part of the trail too (who asked for what, and why policy said no).
      await this.audit.record(tx, actor, {
        action: 'namespace-request.deny',
        targetType: 'NamespaceRequest',
        targetId: `${ask.cluster}/${ask.name}`,
        tenantId,
        after: { kind: ask.kind, spec: ask.spec, decision },
      });
      return { outcome: 'denied', decision };
    }
    const approved = decision.outcome === 'approve';
    const now = this.clock.now();
    const data: NewRequest = {
      id: randomUUID(),
      tenantId,
      kind: ask.kind,
      namespace: ask.name,
      cluster: ask.cluster,
      spec: ask.spec,
      state: approved ? 'Approved' : 'PendingApproval',
      decision,
      reason: ask.reason,
      requestedBy: actor.principal.actor,
      accountable: actor.principal.accountable,
      decidedBy: approved ? POLICY_ACTOR : null,
      decidedAt: approved ? now : null,
    };
    const audit = this.audit.insertStatement(actor, {
      action: 'namespace-request.create',
      targetType: 'NamespaceRequest',
      targetId: data.id,
      tenantId,
      after: { kind: ask.kind, namespace: ask.name, cluster: ask.cluster, state: data.state, decision, reason: ask.reason },
    });
    // The request, what an approval does to the namespace, the audit event, the webhook fan-out and the fleet
    // writer's doorbell: one statement under the lock.
    const write = approved ? this.namespaceWrite(data, state, now) : null;
    // Without a subscription there is nothing to fan out, and no stream to wake after the statement.
    const next = approved ? 'namespace-request.approved' : 'namespace-request.pending-approval';
    const events = () => [requestEvent('namespace-request.created', data, state.tenant.name), requestEvent(next, data, state.tenant.name)];
    const fanOut = state.webhooks ? this.webhooks.fanOut(events()) : null;
    const { request, namespaceWritten, fed } = await this.requests
      .storeDecision(tx, state.tenant.name, data, {
        namespace: write,
        also: [audit],
        fanOut,
        notify: approved ? [this.fleet.wakeExpression()] : [],
        commit: endsUnit && ask.kind === 'Create' && fanOut === null,
      })
      .catch((error: unknown) => {
        throw isNamespaceNameConflict(error) ? nameTakenMeanwhile(ask.cluster, ask.name) : error;
      });
    // Throwing rolls the whole unit back: the request, its events and its audit event go with it.
    if (write && !namespaceWritten) throw nameTakenMeanwhile(ask.cluster, ask.name);
    await this.webhooks.wake(tx, fed);
    return { outcome: 'stored', decision, request };
  }

  /**
   * Approves a request pending approval (locked by the caller) after judging it again against the state
   * now: budget may have been spent since it was made. The approver overrides needs-approval reasons
   * only; a deny (name taken, over budget) stands.
   */
  async approve(unit: TenantUnit, actor: Actor, pending: RequestWithTenant, comment?: string): Promise<Approval> {
    const { tx } = unit;
    const ask = askOf(pending);
    const state = await this.requests.policyState(tx, pending.tenantId, ask.cluster, ask.name);
    const decision = this.judge(state, ask);
    if (decision.outcome === 'deny') return { outcome: 'denied', decision };
    const request = await this.requests.decideRequest(tx, pending.id, {
      state: 'Approved',
      decision,
      decidedBy: actor.principal.actor,
      decidedAt: this.clock.now(),
      comment,
    });
    await this.apply(tx, request, state);
    await this.webhooks.emit(tx, requestEvent('namespace-request.approved', request, pending.tenant.name));
    await this.audit.record(tx, actor, {
      action: 'namespace-request.approve',
      targetType: 'NamespaceRequest',
      targetId: pending.id,
      tenantId: pending.tenantId,
      before: { state: pending.state },
      after: { state: request.state, comment, decision },
    });
    return { outcome: 'approved', decision, request };
  }

  private judge(state: PolicyState, ask: Ask): Decision {
    return evaluate(buildSnapshot(state, ask.kind, ask.name, ask.cluster, ask.spec), this.policyOptions);
  }

  /**
   * Makes an approved request (stored before, e.g. a pending one just approved) the namespace's desired
   * state (and its quota ledger), and rings the fleet writer's doorbell in the same transaction.
   */
  private async apply(tx: SqlTx, request: NamespaceRequest, state: PolicyState): Promise<void> {
    const written = await this.requests.applyApproved(tx, this.namespaceWrite(request, state, this.clock.now()));
    // Throwing rolls the whole unit back.
    if (!written) throw nameTakenMeanwhile(request.cluster, request.namespace);
    await this.fleet.wakeIn(tx);
  }

  /** What approving `request` does to its namespace, given the state read under the lock. */
  private namespaceWrite(
    request: Pick<NewRequest, 'id' | 'kind' | 'tenantId' | 'cluster' | 'namespace' | 'spec'>,
    state: PolicyState,
    now: Date,
  ): NamespaceWrite {
    const current = state.current ?? undefined;
    if (request.kind === 'Delete') {
      if (!current) throw new ConflictError(`Namespace ${request.namespace} no longer exists`);
      return { kind: 'delete', id: current.id, requestId: request.id, at: now };
    }
    const spec = desiredSpecOf(request.spec);
    const ttlSeconds = spec.ttl ? parseDuration(spec.ttl) : null;
    return {
      kind: 'upsert',
      target: { id: request.kind === 'Change' ? current?.id : undefined, tenantId: request.tenantId, cluster: request.cluster, name: request.namespace },
      desired: {
        spec,
        // Frozen at approval: a change that keeps the quota keeps the resources approved before.
        ...approvedQuota(spec, request.kind === 'Change' ? current : undefined, tiersOf(state)),
        expiresAt: ttlSeconds ? new Date(now.getTime() + ttlSeconds * 1000) : null,
        requestId: request.id,
      },
    };
  }
}

function askOf(request: NamespaceRequest): Ask {
  return {
    kind: request.kind,
    name: request.namespace,
    cluster: request.cluster,
    spec: desiredSpecOf(request.spec),
    reason: request.reason ?? undefined,
  };
}
