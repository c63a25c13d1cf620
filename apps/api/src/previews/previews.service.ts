import { Inject, Injectable } from '@nestjs/common';
import type { Namespace, Preview, Tenant } from '@prisma/client';
import { assertCan, Caller } from '@berth/authz';
import { ConflictError, DEFAULT_PAGE_SIZE, NotFoundError, Page, PageCursor, PageQueryDto, toPage, UnprocessableError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { previewEvent, WebhookEvents } from '@berth/webhooks';
import { recordAudit } from '../audit-events/audit.writer';
import type { HttpResult } from '../idempotency/idempotency.service';
import { DesiredSpec, mergeSpec, specFromInput } from '../namespace-requests/desired-spec';
import { NamespaceRequestResponse } from '../namespace-requests/dto/namespace-request.response';
import { NamespaceRequestsService } from '../namespace-requests/namespace-requests.service';
import { TenantsService } from '../tenants/tenants.service';
import { CreatePreviewDto } from './dto/create-preview.dto';
import { PreviewResponse } from './dto/preview.response';
import { PreviewsRepository } from './previews.repository';

/** Any of these on a tenant's previews makes the tenant visible to the preview routes (the ability decides who). */
const PREVIEW_ACTIONS = ['read', 'create', 'delete'] as const;

/**
 * How long a reservation (a preview row whose Create request is not stored yet) holds its place under
 * the cap. Longer than any submission can take (the tenant lock waits at most 10 s + 20 s), so a live
 * create is never overtaken; a reservation left behind by a crash frees itself after this.
 */
export const RESERVATION_LEASE_MS = 2 * 60_000;

const CURSOR = new PageCursor('previews', (key) => /^[1-9]\d{0,9}$/.test(key));

type Plan = { mode: 'create'; reserved: Preview } | { mode: 'refresh'; row: Preview; ns: Namespace };

/**
 * Pull-request previews: CI asks for `<tenant>-pr-<n>` and gets it created (a Create request) or its
 * TTL and head commit refreshed (a Change request), always through the namespace request path, so
 * previews are judged by the same policy and count in the same budget as every namespace.
 */
@Injectable()
export class PreviewsService {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly tenants: TenantsService,
    private readonly previews: PreviewsRepository,
    private readonly webhooks: WebhookEvents,
    private readonly requests: NamespaceRequestsService,
  ) {}

  /** POST: 201 with a Create request for a new preview, 200 with a Change request for a refresh. */
  async upsert(caller: Caller, tenantName: string, dto: CreatePreviewDto): Promise<HttpResult<PreviewResponse>> {
    const tenant = await this.tenants.resolveFor(caller, tenantName, 'Preview', PREVIEW_ACTIONS);
    assertCan(caller.ability, 'create', 'Preview', { tenantId: tenant.id });
    const fields = {
      repository: dto.repository,
      pullRequest: dto.pullRequest,
      headSha: dto.headSha.toLowerCase(),
      namespace: this.nameFor(tenant.name, dto.pullRequest),
    };
    const plan = await this.plan(caller, tenant, dto, fields);
    const reason = `Preview of ${dto.repository}#${dto.pullRequest} at ${fields.headSha}`;

    if (plan.mode === 'refresh') {
      const { row, ns } = plan;
      // The TTL is applied again, so the namespace's expiresAt starts over from now.
      const spec = mergeSpec(ns.spec as unknown as DesiredSpec, { ttl: this.config.previews.ttl, ...(dto.tier ? { tier: dto.tier } : {}) });
      const result = await this.requests.submit(caller, tenant, { kind: 'Change', name: ns.name, cluster: ns.cluster, spec, reason }, false);
      const updated = await this.previews.update(row.id, { repository: fields.repository, headSha: fields.headSha });
      return { status: 200, body: await this.present(tenant, updated, result.body as NamespaceRequestResponse) };
    }

    const { reserved } = plan;
    try {
      const tier = this.defaultTier(tenant, dto);
      const spec = specFromInput({ tier, ttl: this.config.previews.ttl });
      const result = await this.requests.submit(caller, tenant, { kind: 'Create', name: reserved.namespace, cluster: reserved.cluster, spec, reason }, false);
      // After the request's own transaction (a denied create must not announce a preview): its namespace-request.* events are atomic, this one follows.
      await this.previews.transaction((tx) =>
        this.webhooks.emit(tx, previewEvent('preview.created', reserved, tenant.name, (result.body as NamespaceRequestResponse).id)),
      );
      return { status: 201, body: await this.present(tenant, reserved, result.body as NamespaceRequestResponse) };
    } catch (error) {
      // Denied (budget, tier, name…) or failed: the reservation gives its place back.
      await this.previews.release(reserved);
      throw error;
    }
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

  /** DELETE: a Delete request for the namespace (the fleet writer removes its folder), and the row goes. */
  async remove(caller: Caller, tenantName: string, pullRequest: number): Promise<HttpResult<PreviewResponse>> {
    const tenant = await this.tenants.resolveFor(caller, tenantName, 'Preview', PREVIEW_ACTIONS);
    assertCan(caller.ability, 'delete', 'Preview', { tenantId: tenant.id });
    const row = await this.previews.find(tenant.id, pullRequest);
    if (!row) throw new NotFoundError('Preview', `${tenant.name}#${pullRequest}`);
    const ref = { cluster: row.cluster, name: row.namespace };
    const ns = await this.previews.namespace(tenant.id, ref);
    if (!ns && (await this.previews.pendingCreates(tenant.id, [ref])).size > 0) {
      throw new ConflictError(`Preview ${row.namespace} waits for approval; cancel its Create request instead`, [
        { field: 'pullRequest', code: 'preview.pending', message: 'the preview namespace has not been approved yet' },
      ]);
    }
    let request: NamespaceRequestResponse | null = null;
    if (ns && ns.state !== 'Deleting') {
      const result = await this.requests.submit(
        caller,
        tenant,
        {
          kind: 'Delete',
          name: ns.name,
          cluster: ns.cluster,
          spec: ns.spec as unknown as DesiredSpec,
          reason: `Preview of ${row.repository}#${row.pullRequest} closed`,
        },
        false,
      );
      request = result.body as NamespaceRequestResponse;
    }
    await this.previews.transaction(async (tx) => {
      await this.previews.remove(tx, row.id);
      await this.webhooks.emit(tx, previewEvent('preview.deleted', row, tenant.name, request?.id ?? null));
      await recordAudit(tx, caller, {
        action: 'preview.delete',
        targetType: 'Preview',
        targetId: `${tenant.name}#${row.pullRequest}`,
        tenantId: tenant.id,
        before: fieldsOf(row),
        after: { request: request?.id ?? null },
      });
    });
    const after = await this.previews.namespace(tenant.id, ref);
    return { status: 202, body: PreviewResponse.from(row, tenant.name, after, false, request) };
  }

  /**
   * Decides, under the tenant's lock, whether this call creates or refreshes, and for a create takes a
   * place under the cap (a reservation row) in the same transaction as the count. Concurrent calls of
   * any API process serialize on that lock, so the cap can never be exceeded; the unique
   * (tenantId, pullRequest) key makes a second row for one pull request impossible besides.
   */
  private plan(
    caller: Caller,
    tenant: Tenant,
    dto: CreatePreviewDto,
    fields: Omit<Preview, 'id' | 'tenantId' | 'cluster' | 'createdAt' | 'updatedAt'>,
  ): Promise<Plan> {
    return this.previews.withTenantLock(tenant.id, async (tx) => {
      const now = Date.now();
      const leaseSince = new Date(now - RESERVATION_LEASE_MS);
      const row = await this.previews.find(tenant.id, dto.pullRequest, tx);
      if (row) {
        if (dto.cluster && dto.cluster !== row.cluster) {
          throw new ConflictError(`Preview of #${dto.pullRequest} lives on cluster ${row.cluster}; delete it to move it`, [
            { field: 'cluster', code: 'preview.cluster-fixed', message: `the preview is on cluster '${row.cluster}'` },
          ]);
        }
        const ref = { cluster: row.cluster, name: row.namespace };
        const ns = await this.previews.namespace(tenant.id, ref, tx);
        if (ns && ns.state !== 'Deleting') return { mode: 'refresh' as const, row, ns };
        if (ns) {
          throw new ConflictError(`Preview namespace ${ns.name} is being deleted (expired or closed); retry once it is gone`, [
            { field: 'pullRequest', code: 'preview.deleting', message: 'the previous preview namespace is still being deleted' },
          ]);
        }
        if ((await this.previews.pendingCreates(tenant.id, [ref], tx)).size > 0 || row.updatedAt > leaseSince) {
          throw new ConflictError(`Preview of #${dto.pullRequest} is being created; retry later`, [
            { field: 'pullRequest', code: 'preview.in-progress', message: 'a create of this preview is in flight or waits for approval' },
          ]);
        }
      }
      const cluster = this.defaultCluster(tenant, dto);
      this.defaultTier(tenant, dto);
      const [limit, live] = await Promise.all([this.previews.previewLimit(tx, tenant.id), this.previews.countLive(tx, tenant.id, leaseSince, row?.id)]);
      if (live >= limit) {
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
      const data = { ...fields, cluster };
      const reserved = row ? await this.previews.reuse(tx, row.id, data) : await this.previews.create(tx, tenant.id, data);
      await recordAudit(tx, caller, {
        action: 'preview.create',
        targetType: 'Preview',
        targetId: `${tenant.name}#${dto.pullRequest}`,
        tenantId: tenant.id,
        after: fieldsOf(reserved),
      });
      return { mode: 'create' as const, reserved };
    });
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

  private nameFor(tenant: string, pullRequest: number): string {
    return this.config.previews.nameTemplate.replaceAll('{tenant}', tenant).replaceAll('{pr}', String(pullRequest));
  }

  private async present(tenant: Tenant, row: Preview, request: NamespaceRequestResponse): Promise<PreviewResponse> {
    const ns = await this.previews.namespace(tenant.id, { cluster: row.cluster, name: row.namespace });
    return PreviewResponse.from(row, tenant.name, ns, request.state === 'PendingApproval', request);
  }
}

const fieldsOf = (row: Preview) => ({
  repository: row.repository,
  pullRequest: row.pullRequest,
  headSha: row.headSha,
  namespace: row.namespace,
  cluster: row.cluster,
});
