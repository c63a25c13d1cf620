import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Namespace, Preview } from '@prisma/client';
import { PrismaService } from '@berth/prisma';

export type NamespaceWithTenant = Namespace & { tenant: { name: string; syncRepo: unknown } };
export type InputKind = 'namespace' | 'onboarding';
export interface TenantRow {
  id: string;
  name: string;
  syncRepo: unknown;
}

@Injectable()
export class FluxInputsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async clusterExists(name: string): Promise<boolean> {
    return (await this.prisma.cluster.count({ where: { name } })) > 0;
  }

  /**
   * Up to `take` inputs of `cluster`, by id, after `after`: its served namespaces (id: the namespace's) and one
   * onboarding per tenant with a served namespace there (id: the tenant's). Served: not being deleted, and not
   * Failed by the fleet writer (never rendered); a namespace Flux failed to apply stays served, as push mode keeps
   * it in the repository. With `shards` > 1 only ids whose first 32 bits modulo `shards` equal `shard`: a
   * partition that depends on nothing but the id, so an input never moves between shards.
   */
  page(cluster: string, take: number, after: string | undefined, shard: { index: number; count: number }): Promise<Array<{ id: string; kind: InputKind }>> {
    // Each branch walks ids from the cursor and stops at `take`: a page costs what it returns, not the cluster's size
    // (a tenant's onboarding is an EXISTS on its namespaces, not a DISTINCT over every namespace of the cluster).
    const from = after ?? null;
    const inShard = (id: Prisma.Sql) =>
      Prisma.sql`(${shard.count}::int = 1 OR ('x' || substr(replace(${id}::text, '-', ''), 1, 8))::bit(32)::bigint % ${shard.count}::int = ${shard.index}::int)`;
    const served = (n: Prisma.Sql) =>
      Prisma.sql`${n}.cluster = ${cluster} AND ${n}.state <> 'Deleting' AND (${n}.state <> 'Failed' OR ${n}."failedBy" = 'Flux')`;
    return this.prisma.$queryRaw<Array<{ id: string; kind: InputKind }>>`
      SELECT id::text AS id, kind FROM (
        (SELECT n.id, 'namespace' AS kind FROM "Namespace" n
          WHERE ${served(Prisma.sql`n`)} AND (${from}::uuid IS NULL OR n.id > ${from}::uuid) AND ${inShard(Prisma.sql`n.id`)}
          ORDER BY n.id LIMIT ${take}::int)
        UNION ALL
        (SELECT t.id, 'onboarding' AS kind FROM "Tenant" t
          WHERE (${from}::uuid IS NULL OR t.id > ${from}::uuid) AND ${inShard(Prisma.sql`t.id`)}
            AND EXISTS (SELECT 1 FROM "Namespace" n WHERE n."tenantId" = t.id AND ${served(Prisma.sql`n`)})
          ORDER BY t.id LIMIT ${take}::int)
      ) inputs
      ORDER BY inputs.id
      LIMIT ${take}::int`;
  }

  namespaces(ids: string[]): Promise<NamespaceWithTenant[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.namespace.findMany({ where: { id: { in: ids } }, include: { tenant: { select: { name: true, syncRepo: true } } } });
  }

  tenants(ids: string[]): Promise<TenantRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.tenant.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, syncRepo: true } });
  }

  /** The preview rows behind some namespaces of a cluster (by tenant and name). */
  previewsOf(cluster: string, namespaces: Array<{ tenantId: string; name: string }>): Promise<Preview[]> {
    if (namespaces.length === 0) return Promise.resolve([]);
    return this.prisma.preview.findMany({ where: { cluster, OR: namespaces.map((n) => ({ tenantId: n.tenantId, namespace: n.name })) } });
  }
}
