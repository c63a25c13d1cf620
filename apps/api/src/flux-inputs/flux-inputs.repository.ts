import { Injectable } from '@nestjs/common';
import type { Namespace, Preview } from '@prisma/client';
import { PrismaService } from '@berth/prisma';
import { FLUX_ERROR_PREFIX } from '@berth/gitops/writer';

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
    return this.prisma.$queryRaw<Array<{ id: string; kind: InputKind }>>`
      WITH served AS (
        SELECT id, "tenantId" FROM "Namespace"
        WHERE cluster = ${cluster} AND state <> 'Deleting' AND (state <> 'Failed' OR starts_with(coalesce("lastError", ''), ${FLUX_ERROR_PREFIX}))
      ), inputs AS (
        SELECT id, 'namespace' AS kind FROM served
        UNION ALL
        SELECT DISTINCT "tenantId", 'onboarding' FROM served
      )
      SELECT id::text AS id, kind FROM inputs
      WHERE (${after ?? null}::uuid IS NULL OR id > ${after ?? null}::uuid)
        AND (${shard.count}::int = 1 OR ('x' || substr(replace(id::text, '-', ''), 1, 8))::bit(32)::bigint % ${shard.count}::int = ${shard.index}::int)
      ORDER BY id
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
