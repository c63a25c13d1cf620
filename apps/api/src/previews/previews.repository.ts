import { Injectable } from '@nestjs/common';
import type { Namespace, Preview } from '@prisma/client';
import { PrismaService, PrismaTx, withTenantLock } from '@berth/prisma';

type Db = PrismaTx | PrismaService;

export interface PreviewFields {
  repository: string;
  pullRequest: number;
  headSha: string;
  namespace: string;
  cluster: string;
}

export interface NamespaceRef {
  cluster: string;
  name: string;
}

@Injectable()
export class PreviewsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs `work` holding the tenant's row lock — the same lock every namespace request of the tenant
   * takes — so counting previews and reserving a new one is one step for all API processes.
   */
  withTenantLock<T>(tenantId: string, work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return withTenantLock(this.prisma, tenantId, work);
  }

  previewLimit(tx: PrismaTx, tenantId: string): Promise<number> {
    return tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { previewLimit: true } }).then((t) => t.previewLimit);
  }

  find(tenantId: string, pullRequest: number, db: Db = this.prisma): Promise<Preview | null> {
    return db.preview.findUnique({ where: { tenantId_pullRequest: { tenantId, pullRequest } } });
  }

  list(tenantId: string, limit: number, afterPullRequest?: number): Promise<Preview[]> {
    return this.prisma.preview.findMany({
      where: { tenantId, ...(afterPullRequest !== undefined ? { pullRequest: { gt: afterPullRequest } } : {}) },
      orderBy: { pullRequest: 'asc' },
      take: limit + 1,
    });
  }

  namespace(tenantId: string, ref: NamespaceRef, db: Db = this.prisma): Promise<Namespace | null> {
    return db.namespace.findFirst({ where: { tenantId, cluster: ref.cluster, name: ref.name } });
  }

  namespaces(tenantId: string, refs: NamespaceRef[]): Promise<Namespace[]> {
    if (refs.length === 0) return Promise.resolve([]);
    return this.prisma.namespace.findMany({ where: { tenantId, OR: refs.map((r) => ({ cluster: r.cluster, name: r.name })) } });
  }

  /** Refs (`cluster/name`) of those namespaces whose Create request waits for an approval. */
  async pendingCreates(tenantId: string, refs: NamespaceRef[], db: Db = this.prisma): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await db.namespaceRequest.findMany({
      where: { tenantId, kind: 'Create', state: 'PendingApproval', OR: refs.map((r) => ({ cluster: r.cluster, namespace: r.name })) },
      select: { cluster: true, namespace: true },
    });
    return new Set(rows.map((r) => `${r.cluster}/${r.namespace}`));
  }

  /**
   * Previews that hold a place under the tenant's cap: their namespace exists and is not being deleted,
   * or its Create request waits for approval, or the row is a reservation younger than `leaseSince`
   * (a create in flight: reserved, its request not yet stored). Expired and deleted previews never count.
   */
  async countLive(tx: PrismaTx, tenantId: string, leaseSince: Date, excludeId?: string): Promise<number> {
    const [{ n }] = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM "Preview" p
      WHERE p."tenantId" = ${tenantId}::uuid
        AND (${excludeId ?? null}::uuid IS NULL OR p.id <> ${excludeId ?? null}::uuid)
        AND (
          EXISTS (SELECT 1 FROM "Namespace" n WHERE n."tenantId" = p."tenantId" AND n.cluster = p.cluster AND n.name = p.namespace AND n.state <> 'Deleting')
          OR EXISTS (SELECT 1 FROM "NamespaceRequest" r WHERE r."tenantId" = p."tenantId" AND r.cluster = p.cluster AND r.namespace = p.namespace
                     AND r.kind = 'Create' AND r.state = 'PendingApproval')
          OR (p."updatedAt" > ${leaseSince} AND NOT EXISTS (SELECT 1 FROM "Namespace" n WHERE n."tenantId" = p."tenantId" AND n.cluster = p.cluster AND n.name = p.namespace))
        )`;
    return n;
  }

  create(tx: PrismaTx, tenantId: string, fields: PreviewFields): Promise<Preview> {
    return tx.preview.create({ data: { tenantId, ...fields } });
  }

  /** Re-reserves a stale row for a new create (updatedAt moves: the lease starts again). */
  reuse(tx: PrismaTx, id: string, fields: PreviewFields): Promise<Preview> {
    return tx.preview.update({ where: { id }, data: { ...fields, updatedAt: new Date() } });
  }

  update(id: string, fields: Pick<PreviewFields, 'repository' | 'headSha'>): Promise<Preview> {
    return this.prisma.preview.update({ where: { id }, data: fields });
  }

  /** Gives a reservation back (its create failed), unless another call has touched the row since. */
  async release(reserved: Preview): Promise<void> {
    await this.prisma.preview.deleteMany({ where: { id: reserved.id, updatedAt: reserved.updatedAt } });
  }

  async remove(tx: PrismaTx, id: string): Promise<void> {
    await tx.preview.deleteMany({ where: { id } });
  }

  transaction<T>(work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }
}
