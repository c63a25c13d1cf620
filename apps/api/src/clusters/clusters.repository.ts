import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService } from '@berth/prisma';
import { recordAudit } from '../audit-events/audit.writer';

@Injectable()
export class ClustersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByName(name: string) {
    return this.prisma.cluster.findUnique({ where: { name } });
  }

  list(limit: number, after?: string) {
    return this.prisma.cluster.findMany({
      where: after ? { name: { gt: after } } : undefined,
      orderBy: { name: 'asc' },
      take: limit + 1,
    });
  }

  create(caller: Caller, data: Prisma.ClusterCreateInput) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.cluster.create({ data });
      await recordAudit(tx, caller, { action: 'cluster.create', targetType: 'Cluster', targetId: row.name, after: row });
      return row;
    });
  }

  /** Updates only if the row still has `version`; returns null when someone else changed it first. */
  update(caller: Caller, name: string, version: number, data: Prisma.ClusterUpdateInput) {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.cluster.findUnique({ where: { name } });
      const { count } = await tx.cluster.updateMany({
        where: { name, version },
        data: { ...data, version: { increment: 1 } } as Prisma.ClusterUpdateManyMutationInput,
      });
      if (count === 0) return null;
      const after = await tx.cluster.findUniqueOrThrow({ where: { name } });
      await recordAudit(tx, caller, { action: 'cluster.update', targetType: 'Cluster', targetId: name, before, after });
      return after;
    });
  }

  /** Deletes a cluster no namespace lives on (any tenant, any state). */
  delete(caller: Caller, name: string, version: number): Promise<'deleted' | 'stale' | 'in-use'> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.cluster.findUnique({ where: { name } });
      if (!before || before.version !== version) return 'stale';
      if ((await tx.namespace.count({ where: { cluster: name } })) > 0) return 'in-use';
      const { count } = await tx.cluster.deleteMany({ where: { name, version } });
      if (count === 0) return 'stale';
      await recordAudit(tx, caller, { action: 'cluster.delete', targetType: 'Cluster', targetId: name, before });
      return 'deleted';
    });
  }
}
