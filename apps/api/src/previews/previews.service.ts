import { desiredSpecOf } from '@berth/manifests';
import { Inject, Injectable } from '@nestjs/common';
import type { Preview, Tenant } from '@prisma/client';
import { assertCan, Caller } from '@berth/authz';
import { ConflictError, DEFAULT_PAGE_SIZE, DomainError, NotFoundError, Page, PageCursor, PageQueryDto, toPage, UnprocessableError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { previewEvent, WebhookEvents } from '@berth/webhooks';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { mergeSpec, specFromInput } from '../namespace-requests/desired-spec';
import { Ask, NamespaceDecisions, refusalOf } from '../namespace-requests/namespace-decisions';
import { toResponse } from '../namespace-requests/namespace-requests.service';
import type { RequestWithTenant } from '../namespace-requests/namespace-requests.repository';
import { NamespaceRequestResponse } from '../namespace-requests/dto/namespace-request.response';
import { PrismaTenantUnit, TenantUnitOfWork } from '../namespace-requests/tenant-unit-of-work';
import { TenantsService } from '../tenants/tenants.service';
import { CreatePreviewDto } from './dto/create-preview.dto';
import { PreviewResponse } from './dto/preview.response';
import { PreviewFields, PreviewsRepository } from './previews.repository';

/** Any of these on a tenant's previews makes the tenant visible to the preview routes (the ability decides who). */
const PREVIEW_ACTIONS = ['read', 'create', 'delete'] as const;

const CURSOR = new PageCursor('previews', (key) => /^[1-9]\d{0,9}$/.test(key));

/** What a POST did: created a new preview (its Create request) or refreshed one (its Change request). */
export interface PreviewUpsert {
  created: boolean;
  preview: PreviewResponse;
}

/** What a unit did, or the refusal of its decision (thrown once the unit committed: a deny's audit event stays). */
type Outcome<T> = { refused: DomainError } | { done: T };

function doneOrThrow<T>(outcome: Outcome<T>): T {
  if ('refused' in outcome) throw outcome.refused;
  return outcome.done;
}

/**
 * Pull-request previews: CI asks for `<tenant>-pr-<n>` and gets it created (a Create request) or its
 * TTL and head commit refreshed (a Change request), always through the one decision seam, in one tenant
 * unit with the preview's own row: previews are judged by the same policy, count in the same budget as
 * every namespace, and the cap is counted under the same lock.
 */
@Injectable()
export class PreviewsService {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly tenants: TenantsService,
    private readonly previews: PreviewsRepository,
    private readonly units: TenantUnitOfWork,
    private readonly decisions: NamespaceDecisions,
    private readonly webhooks: WebhookEvents,
    private readonly audit: AuditEventsRepository,
  ) {}

  /** POST: a Create request for a new preview, a Change request (TTL restarted, head commit recorded) for an existing one. */
  async upsert(caller: Caller, tenantName: string, dto: CreatePreviewDto): Promise<PreviewUpsert> {
    const tenant = await this.tenants.resolveFor(caller, tenantName, 'Preview', PREVIEW_ACTIONS);
    assertCan(caller.ability, 'create', 'Preview', { tenantId: tenant.id });
    const fields = { repository: dto.repository, pullRequest: dto.pullRequest, headSha: dto.headSha.toLowerCase() };
    const name = this.nameFor(tenant.name, dto.pullRequest);
    const reason = `Preview of ${dto.repository}#${dto.pullRequest} at ${fields.headSha}`;
    const outcome = await this.units.runWithPrisma(tenant.id, async (unit): Promise<Outcome<PreviewUpsert>> => {
      const row = await this.previews.find(unit.tx, tenant.id, dto.pullRequest);
      const ns = row ? await this.refreshable(unit, row, dto) : null;
      if (row && ns) {
        // The TTL is applied again, so the namespace's expiresAt starts over from now.
        const spec = mergeSpec(desiredSpecOf(ns.spec), { ttl: this.config.previews.ttl, ...(dto.tier ? { tier: dto.tier } : {}) });
        const decided = await this.decisions.decide(unit, caller, { kind: 'Change', name: ns.name, cluster: ns.cluster, spec, reason });
        if (decided.outcome !== 'stored') return { refused: refusalOf(decided, name) };
        const refreshed = await this.previews.update(unit.tx, row.id, fields);
        return { done: { created: false, preview: await this.present(unit, tenant, refreshed, decided.request) } };
      }
      const cluster = this.defaultCluster(tenant, dto);
      const spec = specFromInput({ tier: this.defaultTier(tenant, dto), ttl: this.config.previews.ttl });
      await this.assertUnderCap(unit, tenant, row?.id);
      const decided = await this.decisions.decide(unit, caller, { kind: 'Create', name, cluster, spec, reason });
      if (decided.outcome !== 'stored') return { refused: refusalOf(decided, name) };
      const data: PreviewFields = { ...fields, namespace: name, cluster };
      const created = row ? await this.previews.reuse(unit.tx, row.id, data) : await this.previews.create(unit.tx, tenant.id, data);
      await this.webhooks.emit(unit.tx, previewEvent('preview.created', created, tenant.name, decided.request.id));
      await this.audit.record(unit.tx, caller, {
        action: 'preview.create',
        targetType: 'Preview',
        targetId: `${tenant.name}#${dto.pullRequest}`,
        tenantId: tenant.id,
        after: fieldsOf(created),
      });
      return { done: { created: true, preview: await this.present(unit, tenant, created, decided.request) } };
    });
    return doneOrThrow(outcome);
  }

  async list(caller: Caller, tenantName: string, query: PageQueryDto): Promise<Page<PreviewResponse>> {
    const tenant = await this.tenants.resolveFor(caller, tenantName, 'Preview', PREVIEW_ACTIONS);
    assertCan(caller.ability, 'read', 'Preview', { tenantId: tenant.id });
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = CURSOR.decode(query.cursor);
    const rows = await this.previews.list(tenant.id, limit, after === undefined ? undefined : Number(after));
    const page = rows.slice(0, limit);
    const refs = page.map((r) => ({ cluster: r.cluster, name: r.namespace }));
    const [namespaces, pending] = await Promise.all([this.previews.namespaces(tenant.id, refs), this.previews.pendingCreates(tenant.id, refs)]);
    const byRef = new Map(namespaces.map((n) => [`${n.cluster}/${n.name}`, n]));
    return toPage(
      CURSOR,
      rows,
      limit,
      (r) => String(r.pullRequest),
      (r) => {
        const ref = `${r.cluster}/${r.namespace}`;
        return PreviewResponse.from(r, tenant.name, byRef.get(ref) ?? null, pending.has(ref));
      },
    );
  }

  /** DELETE: a Delete request for the namespace (the fleet writer removes its folder), and the row goes, in one tenant unit. */
  async remove(caller: Caller, tenantName: string, pullRequest: number): Promise<PreviewResponse> {
    const tenant = await this.tenants.resolveFor(caller, tenantName, 'Preview', PREVIEW_ACTIONS);
    assertCan(caller.ability, 'delete', 'Preview', { tenantId: tenant.id });
    const outcome = await this.units.runWithPrisma(tenant.id, async (unit): Promise<Outcome<PreviewResponse>> => {
      const row = await this.previews.find(unit.tx, tenant.id, pullRequest);
      if (!row) throw new NotFoundError('Preview', `${tenant.name}#${pullRequest}`);
      const ref = { cluster: row.cluster, name: row.namespace };
      const ns = await this.previews.namespace(unit.tx, tenant.id, ref);
      if (!ns && (await this.previews.hasPendingCreate(unit.tx, tenant.id, ref))) {
        throw new ConflictError(`Preview ${row.namespace} waits for approval; cancel its Create request instead`, [
          { field: 'pullRequest', code: 'preview.pending', message: 'the preview namespace has not been approved yet' },
        ]);
      }
      let request: NamespaceRequestResponse | null = null;
      // A namespace already being deleted (expired) needs no second Delete request: the preview is just forgotten.
      if (ns && ns.state !== 'Deleting') {
        const ask: Ask = {
          kind: 'Delete',
          name: ns.name,
          cluster: ns.cluster,
          spec: desiredSpecOf(ns.spec),
          reason: `Preview of ${row.repository}#${row.pullRequest} closed`,
        };
        const decided = await this.decisions.decide(unit, caller, ask);
        if (decided.outcome !== 'stored') return { refused: refusalOf(decided, ns.name) };
        request = toResponse(decided.request);
      }
      await this.previews.remove(unit.tx, row.id);
      await this.webhooks.emit(unit.tx, previewEvent('preview.deleted', row, tenant.name, request?.id ?? null));
      await this.audit.record(unit.tx, caller, {
        action: 'preview.delete',
        targetType: 'Preview',
        targetId: `${tenant.name}#${row.pullRequest}`,
        tenantId: tenant.id,
        before: fieldsOf(row),
        after: { request: request?.id ?? null },
      });
      return { done: PreviewResponse.from(row, tenant.name, await this.previews.namespace(unit.tx, tenant.id, ref), false, request) };
    });
    return doneOrThrow(outcome);
  }

  /**
   * The existing preview's namespace when this call refreshes it; null when the preview's namespace is
   * gone (expired and removed, refused, deleted) and this call creates it anew. Refuses moving it to
   * another cluster, a namespace still being deleted, and a create still waiting for approval.
   */
  private async refreshable(unit: PrismaTenantUnit, row: Preview, dto: CreatePreviewDto) {
    if (dto.cluster && dto.cluster !== row.cluster) {
      throw new ConflictError(`Preview of #${dto.pullRequest} lives on cluster ${row.cluster}; delete it to move it`, [
        { field: 'cluster', code: 'preview.cluster-fixed', message: `the preview is on cluster '${row.cluster}'` },
      ]);
    }
    const ref = { cluster: row.cluster, name: row.namespace };
    const ns = await this.previews.namespace(unit.tx, unit.tenantId, ref);
    if (ns && ns.state !== 'Deleting') return ns;
    if (ns) {
      throw new ConflictError(`Preview namespace ${ns.name} is being deleted (expired or closed); retry once it is gone`, [
        { field: 'pullRequest', code: 'preview.deleting', message: 'the previous preview namespace is still being deleted' },
      ]);
    }
    if (await this.previews.hasPendingCreate(unit.tx, unit.tenantId, ref)) {
      throw new ConflictError(`Preview of #${dto.pullRequest} is being created; retry later`, [
        { field: 'pullRequest', code: 'preview.in-progress', message: 'a create of this preview waits for approval' },
      ]);
    }
    return null;
  }

  /** The cap, counted under the tenant's lock (the lock of every decision): concurrent CI jobs on any number of API processes never exceed it. */
  private async assertUnderCap(unit: PrismaTenantUnit, tenant: Tenant, reusedId?: string): Promise<void> {
    const limit = await this.previews.previewLimit(unit.tx, tenant.id);
    const live = await this.previews.countLive(unit.tx, tenant.id, reusedId);
    if (live < limit) return;
    throw new UnprocessableError(
      `Preview limit reached: ${live} of ${limit} previews exist; delete one (DELETE …/previews/{pullRequest}) or ask an admin to raise previewLimit`,
      [
        {
          field: 'pullRequest',
          code: 'preview.limit-reached',
          message: `tenant ${tenant.name} has ${live} of at most ${limit} previews`,
          limit,
          current: live,
        },
      ],
    );
  }

  private defaultCluster(tenant: Tenant, dto: CreatePreviewDto): string {
    const cluster = dto.cluster ?? tenant.previewCluster ?? (tenant.allowedClusters.length === 1 ? tenant.allowedClusters[0] : undefined);
    if (!cluster) {
      throw new UnprocessableError('Name the cluster: the tenant has no previewCluster and not exactly one allowed cluster', [
        { field: 'cluster', code: 'preview.cluster-required', message: `tenant ${tenant.name} has no default preview cluster; give cluster` },
      ]);
    }
    return cluster;
  }

  private defaultTier(tenant: Tenant, dto: CreatePreviewDto): string {
    const tier = dto.tier ?? tenant.previewTier ?? (tenant.allowedTiers.length === 1 ? tenant.allowedTiers[0] : undefined);
    if (!tier) {
      throw new UnprocessableError('Name the tier: the tenant has no previewTier and not exactly one allowed tier', [
        { field: 'tier', code: 'preview.tier-required', message: `tenant ${tenant.name} has no default preview tier; give tier` },
      ]);
    }
    return tier;
  }

  private async present(unit: PrismaTenantUnit, tenant: Tenant, row: Preview, request: RequestWithTenant): Promise<PreviewResponse> {
    const ns = await this.previews.namespace(unit.tx, tenant.id, { cluster: row.cluster, name: row.namespace });
    return PreviewResponse.from(row, tenant.name, ns, request.state === 'PendingApproval', toResponse(request));
  }

  private nameFor(tenant: string, pullRequest: number): string {
    return this.config.previews.nameTemplate.replaceAll('{tenant}', tenant).replaceAll('{pr}', String(pullRequest));
  }
}

const fieldsOf = (row: Preview) => ({
  repository: row.repository,
  pullRequest: row.pullRequest,
  headSha: row.headSha,
  namespace: row.namespace,
  cluster: row.cluster,
});
