import { desiredSpecOf } from '@berth/manifests';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Namespace, Tenant } from '@prisma/client';
import { assertCan, Caller } from '@berth/authz';
import { assertVersion, ConflictError, DEFAULT_PAGE_SIZE, isValidQuantity, NotFoundError, Page, PageCursor, toPage } from '@berth/common';
import { canonicalResourceKey, formatResource, parseResources, sumResources, Tier } from '@berth/policy';
import { approvedQuota, mergeSpec } from '../namespace-requests/desired-spec';
import { ChangeNamespaceDto } from '../namespace-requests/dto/namespace-spec.dto';
import { DryRunResponse, NamespaceRequestResponse } from '../namespace-requests/dto/namespace-request.response';
import { NamespaceRequestsService, SubmitOptions } from '../namespace-requests/namespace-requests.service';
import { TenantsService } from '../tenants/tenants.service';
import { NamespaceListQueryDto, NamespaceResponse, ResourceUsage, UsageResponse } from './dto/namespace.response';
import { NamespacesRepository } from './namespaces.repository';

const CURSOR = new PageCursor('namespaces', (key) => isUUID(key));

/** Options of a change or delete: which cluster (when ambiguous), If-Match version, dry run and answer recorder. */
interface WriteOptions extends SubmitOptions {
  cluster?: string;
  ifMatch?: number;
}

/** A tenant's namespaces as desired state; changing or deleting one goes through a request. */
@Injectable()
export class NamespacesService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly namespaces: NamespacesRepository,
    private readonly requests: NamespaceRequestsService,
  ) {}

  async list(caller: Caller, tenantName: string, query: NamespaceListQueryDto): Promise<Page<NamespaceResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const page = await this.namespaces.listInTenant(tenantName, { state: query.state, cluster: query.cluster }, limit, CURSOR.decode(query.cursor));
    const tenant = this.tenants.visible(caller, tenantName, page?.tenant ?? null);
    assertCan(caller.ability, 'read', 'Namespace', { tenantId: tenant.id });
    return toPage(
      CURSOR,
      page?.rows ?? [],
      limit,
      (r) => r.id,
      (r) => NamespaceResponse.from(r, tenant.name),
    );
  }

  async get(caller: Caller, tenantName: string, name: string, cluster?: string): Promise<NamespaceResponse> {
    const tenant = await this.readable(caller, tenantName);
    return NamespaceResponse.from(await this.one(tenant, name, cluster), tenant.name);
  }

  /** PATCH: a Change request with the merged desired state, through the same policy and approvals. */
  async change(
    caller: Caller,
    tenantName: string,
    name: string,
    dto: ChangeNamespaceDto,
    opts: WriteOptions,
  ): Promise<NamespaceRequestResponse | DryRunResponse> {
    const tenant = await this.readable(caller, tenantName);
    assertCan(caller.ability, 'update', 'Namespace', { tenantId: tenant.id });
    if (dto.protected !== undefined) assertCan(caller.ability, 'delete', 'Namespace', { tenantId: tenant.id }, 'protected');
    const current = await this.live(tenant, name, opts.cluster, opts.ifMatch);
    const { reason, ...patch } = dto;
    const spec = mergeSpec(desiredSpecOf(current.spec), patch);
    const ask = { kind: 'Change' as const, name, cluster: current.cluster, spec, reason, ifMatch: opts.ifMatch };
    return this.requests.submit(caller, tenant, ask, opts);
  }

  /** DELETE: a Delete request (owners); a protected namespace needs a platform admin's approval. */
  async remove(caller: Caller, tenantName: string, name: string, opts: WriteOptions): Promise<NamespaceRequestResponse | DryRunResponse> {
    const tenant = await this.readable(caller, tenantName);
    assertCan(caller.ability, 'delete', 'Namespace', { tenantId: tenant.id });
    const current = await this.live(tenant, name, opts.cluster, opts.ifMatch);
    const ask = { kind: 'Delete' as const, name, cluster: current.cluster, spec: desiredSpecOf(current.spec), ifMatch: opts.ifMatch };
    return this.requests.submit(caller, tenant, ask, opts);
  }

  /**
   * Budget vs. allocated (the ledger) per resource and for the namespace count, and `used`: the sum of
   * the namespaces' ResourceQuota `status.used` as last read back from their clusters (exact milli-units).
   */
  async usage(caller: Caller, tenantName: string): Promise<UsageResponse> {
    const tenant = await this.readable(caller, tenantName);
    const [{ perResource, namespaces }, usedMaps, awaiting] = await Promise.all([
      this.namespaces.allocated(tenant.id),
      this.namespaces.used(tenant.id),
      this.namespaces.awaitingApproval(tenant.id),
    ]);
    const budget = parseResources(tenant.budget as Record<string, string>);
    const observed = sumObserved(usedMaps);
    const pending = pendingIncrease(awaiting);
    const keys = [...new Set([...budget.keys(), ...perResource.keys(), ...pending.perResource.keys()].map(canonicalResourceKey))].sort();
    const resources: ResourceUsage[] = keys.map((resource) => {
      const cap = budget.get(resource);
      const allocated = perResource.get(resource) ?? 0n;
      const used = observed.get(resource);
      const waiting = pending.perResource.get(resource);
      return {
        resource,
        budget: cap === undefined ? null : formatResource(resource, cap),
        allocated: formatResource(resource, allocated),
        available: cap === undefined ? null : formatResource(resource, cap > allocated ? cap - allocated : 0n),
        // Present once a cluster has reported this resource (older clients' exact-match checks keep working).
        ...(used === undefined ? {} : { used: formatResource(resource, used) }),
        ...(waiting ? { pending: formatResource(resource, waiting) } : {}),
      };
    });
    return {
      tenant: tenant.name,
      namespaces: { budget: tenant.budgetNamespaces, allocated: namespaces, ...(pending.namespaces ? { pending: pending.namespaces } : {}) },
      resources,
    };
  }

  private async readable(caller: Caller, tenantName: string): Promise<Tenant> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'read', 'Namespace', { tenantId: tenant.id });
    return tenant;
  }

  private async one(tenant: Tenant, name: string, cluster?: string): Promise<Namespace> {
    const rows = await this.namespaces.findByName(tenant.id, name, cluster);
    if (rows.length === 0) throw new NotFoundError('Namespace', name);
    if (rows.length > 1) {
      throw new ConflictError(`Namespace ${name} exists on several clusters (${rows.map((r) => r.cluster).join(', ')}); add ?cluster=`, [
        { field: 'cluster', code: 'ambiguous', message: 'name the cluster' },
      ]);
    }
    return rows[0];
  }

  /**
   * The namespace a change or delete applies to. A stale If-Match is refused here, before anything is
   * stored (not even an Idempotency-Key record); the request path checks it again under the tenant's lock.
   */
  private async live(tenant: Tenant, name: string, cluster?: string, ifMatch?: number): Promise<Namespace> {
    const row = await this.one(tenant, name, cluster);
    assertVersion(ifMatch, row.version);
    if (row.state === 'Deleting')
      throw new ConflictError(`Namespace ${name} is being deleted`, [{ field: 'name', code: 'deleting', message: 'namespace is being deleted' }]);
    return row;
  }
}

/**
 * Sums quota usage read from clusters. Kubernetes reports only the keys the quota limits, in its own
 * spelling: canonical keys, exact sums; a value that does not parse is skipped rather than failing the page.
 */
function sumObserved(maps: Array<Record<string, string>>): Map<string, bigint> {
  return sumResources(maps.map((used) => Object.fromEntries(Object.entries(used).filter(([, value]) => isValidQuantity(value)))));
}

/**
 * What the requests awaiting approval would add to the allocation if each were approved now: a Create its whole
 * quota (its tier resolved as the tier is now, as approval does), a Change the increase over the namespace's
 * current quota, per resource (a decrease frees nothing before it is approved).
 */
function pendingIncrease({ requests, current, tiers }: Awaited<ReturnType<NamespacesRepository['awaitingApproval']>>) {
  const catalogue: Tier[] = tiers.map((t) => ({
    name: t.name,
    resources: t.resources as Record<string, string>,
    limitRange: (t.limitRange as Tier['limitRange']) ?? undefined,
    autoApprove: t.autoApprove,
  }));
  const perResource = new Map<string, bigint>();
  for (const request of requests) {
    const before = request.kind === 'Change' ? current.find((ns) => ns.cluster === request.cluster && ns.name === request.namespace) : undefined;
    const after = parseResources(approvedQuota(desiredSpecOf(request.spec), before, catalogue).resources);
    const now = before ? parseResources(before.resources as Record<string, string>) : new Map<string, bigint>();
    for (const [resource, milli] of after) {
      const increase = milli - (now.get(resource) ?? 0n);
      if (increase > 0n) perResource.set(resource, (perResource.get(resource) ?? 0n) + increase);
    }
  }
  return { perResource, namespaces: requests.filter((r) => r.kind === 'Create').length };
}
