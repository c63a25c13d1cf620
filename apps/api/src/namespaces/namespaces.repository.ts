import { Injectable } from '@nestjs/common';
import { NamespaceState } from '@prisma/client';
import { PrismaService } from '@berth/prisma';

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

  /** Expired namespaces still in the desired state (oldest first). */
  expiredIds(now: Date, limit: number) {
    return this.prisma.namespace.findMany({
      where: { expiresAt: { lt: now }, state: { not: 'Deleting' } },
      orderBy: { expiresAt: 'asc' },
      take: limit,
      select: { id: true, tenantId: true },
    });
  }

  /** Quota usage read back from the clusters (ResourceQuota status.used), per live namespace of a tenant. */
  async used(tenantId: string): Promise<Array<Record<string, string>>> {
    const rows = await this.prisma.namespace.findMany({ where: { tenantId, state: { not: 'Deleting' } }, select: { used: true } });
    return rows.flatMap((r) => (r.used && typeof r.used === 'object' && !Array.isArray(r.used) ? [r.used as Record<string, string>] : []));
  }
}
