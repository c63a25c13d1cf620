import { Injectable } from '@nestjs/common';
import { NamespaceState, Prisma } from '@prisma/client';
import { PrismaService } from '@berth/prisma';

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

  list(tenantId: string, filter: { state?: NamespaceState; cluster?: string }, limit: number, after?: string) {
    return this.prisma.namespace.findMany({
      where: {
        tenantId,
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.cluster ? { cluster: filter.cluster } : {}),
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
  }

  findByName(tenantId: string, name: string, cluster?: string) {
    return this.prisma.namespace.findMany({ where: { tenantId, name, ...(cluster ? { cluster } : {}) }, take: 10 });
  }

  /** The quota ledger summed per resource (exact: bigint milli-units summed as numeric). */
  async allocated(tenantId: string): Promise<{ perResource: Map<string, bigint>; namespaces: number }> {
    const [sums, namespaces] = await Promise.all([
      this.prisma.allocation.groupBy({ by: ['resource'], where: { tenantId }, _sum: { milli: true } }),
      this.prisma.namespace.count({ where: { tenantId, state: { not: 'Deleting' } } }),
    ]);
    return { perResource: new Map(sums.map((s) => [s.resource, s._sum.milli ?? 0n])), namespaces };
  }

  /** Expired namespaces still in the desired state and not yet handled for this expiry (oldest first). */
  expiredIds(now: Date, limit: number) {
    return this.prisma.$queryRaw<Array<{ id: string; tenantId: string }>>`
      SELECT n.id::text AS id, n."tenantId"::text AS "tenantId" FROM "Namespace" n
      WHERE ${expiredAndNotAsked(now)} ORDER BY n."expiresAt" LIMIT ${limit}`;
  }

  /** Quota usage read back from the clusters (ResourceQuota status.used), per live namespace of a tenant. */
  async used(tenantId: string): Promise<Array<Record<string, string>>> {
    const rows = await this.prisma.namespace.findMany({ where: { tenantId, state: { not: 'Deleting' } }, select: { used: true } });
    return rows.flatMap((r) => (r.used && typeof r.used === 'object' && !Array.isArray(r.used) ? [r.used as Record<string, string>] : []));
  }
}
