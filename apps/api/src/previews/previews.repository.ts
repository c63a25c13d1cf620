import { Injectable } from '@nestjs/common';
import type { Namespace, Preview, Prisma } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

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

const pendingCreateWhere = (tenantId: string, refs: NamespaceRef[]): Prisma.NamespaceRequestWhereInput => ({
  tenantId,
  kind: 'Create',
  state: 'PendingApproval',
  OR: refs.map((r) => ({ cluster: r.cluster, namespace: r.name })),
});

/** Previews' rows. Methods that run inside the caller's tenant unit take its transaction first; the others read outside any. */
@Injectable()
export class PreviewsRepository {
  constructor(private readonly prisma: PrismaService) {}

  previewLimit(tx: PrismaTx, tenantId: string): Promise<number> {
    return tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { previewLimit: true } }).then((t) => t.previewLimit);
  }

  find(tx: PrismaTx, tenantId: string, pullRequest: number): Promise<Preview | null> {
    return tx.preview.findUnique({ where: { tenantId_pullRequest: { tenantId, pullRequest } } });
  }

  namespace(tx: PrismaTx, tenantId: string, ref: NamespaceRef): Promise<Namespace | null> {
    return tx.namespace.findFirst({ where: { tenantId, cluster: ref.cluster, name: ref.name } });
  }

  /** Whether the namespace's Create request waits for an approval. */
  async hasPendingCreate(tx: PrismaTx, tenantId: string, ref: NamespaceRef): Promise<boolean> {
    return (await tx.namespaceRequest.count({ where: pendingCreateWhere(tenantId, [ref]) })) > 0;
  }

  /**
   * Previews that hold a place under the tenant's cap: their namespace exists and is not being deleted,
   * or its Create request waits for approval. Expired, deleted and refused previews never count.
   */
  async countLive(tx: PrismaTx, tenantId: string, excludeId?: string): Promise<number> {
    const [{ n }] = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM "Preview" p
      WHERE p."tenantId" = ${tenantId}::uuid
        AND (${excludeId ?? null}::uuid IS NULL OR p.id <> ${excludeId ?? null}::uuid)
        AND (
          EXISTS (SELECT 1 FROM "Namespace" n WHERE n."tenantId" = p."tenantId" AND n.cluster = p.cluster AND n.name = p.namespace AND n.state <> 'Deleting')
          OR EXISTS (SELECT 1 FROM "NamespaceRequest" r WHERE r."tenantId" = p."tenantId" AND r.cluster = p.cluster AND r.namespace = p.namespace
                     AND r.kind = 'Create' AND r.state = 'PendingApproval')
        )`;
    return n;
  }

  create(tx: PrismaTx, tenantId: string, fields: PreviewFields): Promise<Preview> {
    return tx.preview.create({ data: { tenantId, ...fields } });
  }

  /** Takes a row whose namespace is gone (expired, refused, deleted) for a new create of the same pull request. */
  reuse(tx: PrismaTx, id: string, fields: PreviewFields): Promise<Preview> {
    return tx.preview.update({ where: { id }, data: { ...fields, updatedAt: new Date() } });
  }

  update(tx: PrismaTx, id: string, fields: Pick<PreviewFields, 'repository' | 'headSha'>): Promise<Preview> {
    return tx.preview.update({ where: { id }, data: fields });
  }

  async remove(tx: PrismaTx, id: string): Promise<void> {
    await tx.preview.deleteMany({ where: { id } });
  }

  list(tenantId: string, limit: number, afterPullRequest?: number): Promise<Preview[]> {
    return this.prisma.preview.findMany({
      where: { tenantId, ...(afterPullRequest !== undefined ? { pullRequest: { gt: afterPullRequest } } : {}) },
      orderBy: { pullRequest: 'asc' },
      take: limit + 1,
    });
  }

  namespaces(tenantId: string, refs: NamespaceRef[]): Promise<Namespace[]> {
    if (refs.length === 0) return Promise.resolve([]);
    return this.prisma.namespace.findMany({ where: { tenantId, OR: refs.map((r) => ({ cluster: r.cluster, name: r.name })) } });
  }

  /** Refs (`cluster/name`) of those namespaces whose Create request waits for an approval. */
  async pendingCreates(tenantId: string, refs: NamespaceRef[]): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await this.prisma.namespaceRequest.findMany({ where: pendingCreateWhere(tenantId, refs), select: { cluster: true, namespace: true } });
    return new Set(rows.map((r) => `${r.cluster}/${r.namespace}`));
  }
}
