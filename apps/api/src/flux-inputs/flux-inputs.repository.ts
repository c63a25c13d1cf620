import { Injectable } from '@nestjs/common';
import type { Namespace, Preview } from '@prisma/client';
import { PrismaService } from '@berth/prisma';

export type NamespaceWithTenant = Namespace & { tenant: { name: string } };

@Injectable()
export class FluxInputsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async clusterExists(name: string): Promise<boolean> {
    return (await this.prisma.cluster.count({ where: { name } })) > 0;
  }

  /**
   * Up to `take` namespaces of `cluster` in the desired state (not being deleted), by id, after
   * `after`; with `shards` > 1 only those whose id's first 32 bits modulo `shards` equal `shard` —
   * a partition that depends on nothing but the id, so a namespace never moves between shards.
   */
  async page(cluster: string, take: number, after: string | undefined, shard: { index: number; count: number }): Promise<NamespaceWithTenant[]> {
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM "Namespace"
      WHERE cluster = ${cluster} AND state <> 'Deleting'
        AND (${after ?? null}::uuid IS NULL OR id > ${after ?? null}::uuid)
        AND (${shard.count}::int = 1 OR ('x' || substr(replace(id::text, '-', ''), 1, 8))::bit(32)::bigint % ${shard.count}::int = ${shard.index}::int)
      ORDER BY id
      LIMIT ${take}::int`;
    if (ids.length === 0) return [];
    return this.prisma.namespace.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      include: { tenant: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
  }

  /** The preview rows behind some namespaces of a cluster (by tenant and name). */
  previewsOf(cluster: string, namespaces: Array<{ tenantId: string; name: string }>): Promise<Preview[]> {
    if (namespaces.length === 0) return Promise.resolve([]);
    return this.prisma.preview.findMany({ where: { cluster, OR: namespaces.map((n) => ({ tenantId: n.tenantId, namespace: n.name })) } });
  }
}
