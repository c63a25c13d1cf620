import { Injectable } from '@nestjs/common';
import { Namespace, NamespaceState, Prisma } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

/** The actor of TTL Delete requests. */
export const TTL_ACTOR = 'system:ttl';

/**
 * SQL condition on `n` ("Namespace"): expired by `now`, still desired, and not yet handled for this expiry:
 * no TTL Delete request was made since the request that produced its current desired state. So a TTL delete
 * that waits for approval (a protected namespace) is asked once; rejected, it is not asked again until a
 * change (which restarts the TTL) has expired too.
 */
export function expiredAndNotAsked(now: Date): Prisma.Sql {
  return Prisma.sql`n."expiresAt" < ${now} AND n.state <> 'Deleting' AND NOT EXISTS (
    SELECT 1 FROM "NamespaceRequest" r JOIN "NamespaceRequest" c ON c.id = n."requestId"
    WHERE r."tenantId" = n."tenantId" AND r.cluster = n.cluster AND r.namespace = n.name
      AND r.kind = 'Delete' AND r."requestedBy" = ${TTL_ACTOR} AND r."createdAt" > c."createdAt")`;
}

@Injectable()
export class NamespacesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The tenant named `tenantName` (id and name, for the caller's read check) and one page of its
   * namespaces (`limit + 1` rows by id), in one round trip: the hottest read of the API. Null when no
   * tenant has that name.
   */
  async listInTenant(
    tenantName: string,
    filter: { state?: NamespaceState; cluster?: string },
    limit: number,
    after?: string,
  ): Promise<{ tenant: { id: string; name: string }; rows: Namespace[] } | null> {
    const state = filter.state ? Prisma.sql`AND state = ${filter.state}::"NamespaceState"` : Prisma.empty;
    const cluster = filter.cluster ? Prisma.sql`AND cluster = ${filter.cluster}` : Prisma.empty;
    const from = after ? Prisma.sql`AND id > ${after}::uuid` : Prisma.empty;
    const rows = await this.prisma.sql.$queryRaw<Array<Namespace & { _tenantId: string; _tenantName: string }>>`
      SELECT t.id::text AS "_tenantId", t.name AS "_tenantName", n.*
      FROM "Tenant" t LEFT JOIN LATERAL (
        SELECT * FROM "Namespace" WHERE "tenantId" = t.id ${state} ${cluster} ${from} ORDER BY id LIMIT ${limit + 1}
      ) n ON TRUE
      WHERE t.name = ${tenantName}
      ORDER BY n.id`;
    if (rows.length === 0) return null;
    const tenant = { id: rows[0]._tenantId, name: rows[0]._tenantName };
    // A tenant without (matching) namespaces comes back as one row of NULLs on the namespace side.
    return { tenant, rows: rows.filter((r) => r.id !== null).map(({ _tenantId, _tenantName, ...namespace }) => namespace) };
  }

  findByName(tenantId: string, name: string, cluster?: string) {
    return this.prisma.namespace.findMany({ where: { tenantId, name, ...(cluster ? { cluster } : {}) }, take: 10 });
  }

  /**
   * The quota ledger's totals per resource and the live namespace count, as the database keeps them
   * (TenantAllocation and TenantNamespaceCount, the rows decisions read): no scan of the tenant's rows.
   */
  async allocated(tenantId: string): Promise<{ perResource: Map<string, bigint>; namespaces: number }> {
    const [sums, count] = await Promise.all([
      this.prisma.tenantAllocation.findMany({ where: { tenantId, milli: { not: 0n } }, select: { resource: true, milli: true } }),
      this.prisma.tenantNamespaceCount.findUnique({ where: { tenantId }, select: { live: true } }),
    ]);
    return { perResource: new Map(sums.map((s) => [s.resource, s.milli])), namespaces: count?.live ?? 0 };
  }

  /** Expired namespaces still in the desired state and not yet handled for this expiry (oldest first). */
  expiredIds(now: Date, limit: number) {
    return this.prisma.sql.$queryRaw<Array<{ id: string; tenantId: string }>>`
      SELECT n.id::text AS id, n."tenantId"::text AS "tenantId" FROM "Namespace" n
      WHERE ${expiredAndNotAsked(now)} ORDER BY n."expiresAt" LIMIT ${limit}`;
  }

  /** The namespace if it is (still) expired, in the desired state and not yet handled for this expiry (inside the tenant's lock). */
  async expiredNamespace(tx: PrismaTx, id: string, now: Date): Promise<Namespace | null> {
    const [row] = await tx.$queryRaw<Namespace[]>`SELECT n.* FROM "Namespace" n WHERE n.id = ${id}::uuid AND ${expiredAndNotAsked(now)}`;
    return row ?? null;
  }

  /**
   * Create and Change requests of a tenant awaiting approval, the namespaces those Changes apply to (spec and
   * resources as approved), and the quota tiers as they are now (an approval resolves a tier then).
   */
  async awaitingApproval(tenantId: string) {
    const requests = await this.prisma.namespaceRequest.findMany({
      where: { tenantId, state: 'PendingApproval', kind: { in: ['Create', 'Change'] } },
      select: { kind: true, cluster: true, namespace: true, spec: true },
    });
    if (requests.length === 0) return { requests, current: [], tiers: [] };
    const changes = requests.filter((r) => r.kind === 'Change');
    const [current, tiers] = await Promise.all([
      changes.length === 0
        ? []
        : this.prisma.namespace.findMany({
            where: { tenantId, OR: changes.map((r) => ({ cluster: r.cluster, name: r.namespace })) },
            select: { cluster: true, name: true, spec: true, resources: true, limitRange: true },
          }),
      this.prisma.quotaTier.findMany({ select: { name: true, resources: true, limitRange: true, autoApprove: true } }),
    ]);
    return { requests, current, tiers };
  }

  /** Quota usage read back from the clusters (ResourceQuota status.used), per live namespace of a tenant. */
  async used(tenantId: string): Promise<Array<Record<string, string>>> {
    const rows = await this.prisma.namespace.findMany({ where: { tenantId, state: { not: 'Deleting' } }, select: { used: true } });
    return rows.flatMap((r) => (r.used && typeof r.used === 'object' && !Array.isArray(r.used) ? [r.used as Record<string, string>] : []));
  }
}
