import { Inject, Injectable } from '@nestjs/common';
import { Namespace, NamespaceRequest, Prisma, RequestState, Tenant } from '@prisma/client';
import { NotFoundError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { parseResources, prefixCandidates } from '@berth/policy';
import { PrismaService, PrismaTx, withTenantLock } from '@berth/prisma';
import { expiredAndNotAsked } from '../namespaces/namespaces.repository';

export type RequestWithTenant = NamespaceRequest & { tenant: { name: string } };

/** The tenant's live namespace a decision concerns (the one a Change or Delete names). */
export type CurrentNamespace = Pick<Namespace, 'id' | 'cluster' | 'name' | 'spec' | 'resources' | 'limitRange' | 'version'>;

/**
 * Everything the policy engine needs about one tenant, read inside the tenant's lock: aggregates and
 * indexed lookups only, never the tenant's namespace list, so a decision costs the same at 5 or 5,000.
 */
export interface PolicyState {
  tenant: Pick<Tenant, 'id' | 'name' | 'budgetNamespaces' | 'allowedClusters' | 'allowedTiers'> & { budget: Record<string, string> };
  tiers: Array<{ name: string; resources: Record<string, string>; limitRange: unknown; autoApprove: boolean }>;
  cluster: { name: string; labels: Record<string, string> } | null;
  /** How many live namespaces (everything but those being deleted) the tenant has. */
  namespaceCount: number;
  /** The quota ledger summed per resource (canonical keys, exact milli-units): what the live namespaces hold. */
  allocated: Map<string, bigint>;
  /** The tenant's live namespace of the asked cluster and name, if any. */
  current: CurrentNamespace | null;
  /** Whether (cluster, name) is used by any namespace of any tenant. */
  nameTaken: boolean;
  /** Other tenants whose namespace prefix the name starts with (the longest prefix owns the name). */
  prefixTenants: string[];
}

type PolicyStateRow = Omit<PolicyState, 'allocated'> & { allocated: Record<string, string> };

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

@Injectable()
export class NamespaceRequestsRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /**
   * Runs `work` in a transaction holding the tenant's row lock: every decision that reads the tenant's
   * budget and writes an allocation is serialized per tenant, so two concurrent requests can never
   * both spend the same headroom (the race Capsule's in-cluster quota has).
   */
  withTenantLock<T>(tenantId: string, work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return withTenantLock(this.prisma, tenantId, work);
  }

  /**
   * One statement: the tenant's policy fields, the tier catalogue, the cluster, the ledger's sums and the
   * live namespace count (both from indexes on tenantId), whether the name is taken, the prefix owners,
   * and the one namespace concerned. Inside the lock it runs after the lock is held, so its snapshot
   * already sees every decision committed before (READ COMMITTED takes a snapshot per statement).
   */
  async policyState(db: PrismaTx | PrismaService, tenantId: string, cluster: string, name: string): Promise<PolicyState> {
    const prefixOf = prefixCandidates(name, this.config.policy.namePrefix);
    const [row] = await db.$queryRaw<PolicyStateRow[]>`
      SELECT
        (SELECT json_build_object('id', t.id, 'name', t.name, 'budget', t.budget, 'budgetNamespaces', t."budgetNamespaces",
                  'allowedClusters', t."allowedClusters", 'allowedTiers', t."allowedTiers")
           FROM "Tenant" t WHERE t.id = ${tenantId}::uuid) AS tenant,
        (SELECT coalesce(json_agg(json_build_object('name', q.name, 'resources', q.resources, 'limitRange', q."limitRange",
                  'autoApprove', q."autoApprove") ORDER BY q.name), '[]')
           FROM "QuotaTier" q) AS tiers,
        (SELECT json_build_object('name', c.name, 'labels', c.labels) FROM "Cluster" c WHERE c.name = ${cluster}) AS cluster,
        (SELECT count(*)::int FROM "Namespace" n WHERE n."tenantId" = ${tenantId}::uuid AND n.state <> 'Deleting') AS "namespaceCount",
        (SELECT coalesce(json_object_agg(a.resource, a.milli::text), '{}')
           FROM (SELECT resource, sum(milli) AS milli FROM "Allocation" WHERE "tenantId" = ${tenantId}::uuid GROUP BY resource) a) AS allocated,
        (SELECT json_build_object('id', n.id, 'cluster', n.cluster, 'name', n.name, 'spec', n.spec, 'resources', n.resources,
                  'limitRange', n."limitRange", 'version', n.version)
           FROM "Namespace" n
          WHERE n.cluster = ${cluster} AND n.name = ${name} AND n."tenantId" = ${tenantId}::uuid AND n.state <> 'Deleting') AS current,
        EXISTS (SELECT 1 FROM "Namespace" n WHERE n.cluster = ${cluster} AND n.name = ${name}) AS "nameTaken",
        (SELECT coalesce(array_agg(p.name ORDER BY p.name), '{}') FROM "Tenant" p
          WHERE p.name = ANY(${prefixOf}::text[]) AND p.id <> ${tenantId}::uuid) AS "prefixTenants"`;
    if (!row?.tenant) throw new NotFoundError('Tenant', tenantId);
    const allocated = new Map(Object.entries(row.allocated).map(([resource, milli]) => [resource, BigInt(milli)]));
    return { ...row, allocated };
  }

  /** Policy state outside a lock (dry runs): the answer may be stale by the time anyone acts on it. */
  policyStateUnlocked(tenantId: string, cluster: string, name: string): Promise<PolicyState> {
    return this.policyState(this.prisma, tenantId, cluster, name);
  }

  createRequest(tx: PrismaTx, data: Omit<Prisma.NamespaceRequestUncheckedCreateInput, 'spec' | 'decision'> & { spec: unknown; decision: unknown }) {
    return tx.namespaceRequest.create({
      data: { ...data, spec: json(data.spec), decision: json(data.decision) },
      include: { tenant: { select: { name: true } } },
    });
  }

  findRequest(visible: Prisma.NamespaceRequestWhereInput, id: string): Promise<RequestWithTenant | null> {
    return this.prisma.namespaceRequest.findFirst({ where: { AND: [visible, { id }] }, include: { tenant: { select: { name: true } } } });
  }

  listRequests(visible: Prisma.NamespaceRequestWhereInput, filter: { tenantId?: string; state?: RequestState }, limit: number, after?: string) {
    return this.prisma.namespaceRequest.findMany({
      where: {
        AND: [visible, filter.tenantId ? { tenantId: filter.tenantId } : {}, filter.state ? { state: filter.state } : {}, after ? { id: { gt: after } } : {}],
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
      include: { tenant: { select: { name: true } } },
    });
  }

  /** Re-reads a request under a row lock, inside the tenant's transaction. */
  async lockRequest(tx: PrismaTx, id: string): Promise<RequestWithTenant> {
    await tx.$queryRaw`SELECT 1 FROM "NamespaceRequest" WHERE id = ${id}::uuid FOR UPDATE`;
    return tx.namespaceRequest.findUniqueOrThrow({ where: { id }, include: { tenant: { select: { name: true } } } });
  }

  updateRequest(tx: PrismaTx, id: string, data: Omit<Prisma.NamespaceRequestUpdateInput, 'decision'> & { decision?: unknown }) {
    const { decision, ...rest } = data;
    return tx.namespaceRequest.update({
      where: { id },
      data: { ...rest, ...(decision !== undefined ? { decision: json(decision) } : {}), version: { increment: 1 } },
      include: { tenant: { select: { name: true } } },
    });
  }

  hasPendingFor(tx: PrismaTx, tenantId: string, cluster: string, namespace: string): Promise<boolean> {
    return tx.namespaceRequest
      .count({ where: { tenantId, cluster, namespace, state: 'PendingApproval', kind: { in: ['Change', 'Delete'] } } })
      .then((n) => n > 0);
  }

  /** Writes a namespace's new desired state and its ledger rows (exact milli-units per resource). */
  async upsertNamespace(
    tx: PrismaTx,
    target: { id?: string; tenantId: string; cluster: string; name: string },
    desired: { spec: unknown; resources: Record<string, string>; limitRange: unknown; expiresAt: Date | null; requestId: string },
  ): Promise<Namespace> {
    const data = {
      spec: json(desired.spec),
      resources: json(desired.resources),
      limitRange: desired.limitRange ? json(desired.limitRange) : Prisma.DbNull,
      expiresAt: desired.expiresAt,
      requestId: desired.requestId,
      state: 'Approved' as const,
      lastError: null,
    };
    const row = target.id
      ? await tx.namespace.update({ where: { id: target.id }, data: { ...data, version: { increment: 1 } } })
      : await tx.namespace.create({ data: { ...data, tenantId: target.tenantId, cluster: target.cluster, name: target.name } });
    await tx.allocation.deleteMany({ where: { namespaceId: row.id } });
    const ledger = [...parseResources(desired.resources)].map(([resource, milli]) => ({ namespaceId: row.id, tenantId: row.tenantId, resource, milli }));
    if (ledger.length > 0) await tx.allocation.createMany({ data: ledger });
    return row;
  }

  /** The namespace if it is (still) expired, in the desired state and not yet handled for this expiry (inside the tenant's lock). */
  async expiredNamespace(tx: PrismaTx, id: string, now: Date): Promise<Namespace | null> {
    const due = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Namespace" n WHERE n.id = ${id}::uuid AND ${expiredAndNotAsked(now)}`;
    return due.length > 0 ? tx.namespace.findUnique({ where: { id } }) : null;
  }

  /** A deleted namespace leaves the desired state: its allocation is released, its name stays taken until removed. */
  async markDeleting(tx: PrismaTx, id: string, requestId: string): Promise<Namespace> {
    await tx.allocation.deleteMany({ where: { namespaceId: id } });
    return tx.namespace.update({ where: { id }, data: { state: 'Deleting', requestId, version: { increment: 1 } } });
  }
}
