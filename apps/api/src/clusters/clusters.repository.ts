import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService, PrismaTx } from '@berth/prisma';
import { recordAudit } from '../audit-events/audit.writer';

/** Names "cluster fleetPath decisions" among PostgreSQL advisory locks ('fpat'). */
const FLEET_PATH_LOCK_KEY = 0x66706174;

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

  /**
   * Runs `work` in a transaction holding the fleetPath lock: every create or update of a cluster, on any
   * replica, reads the other clusters' paths and writes its own one after the other, so two clashing
   * paths can never both be accepted (a unique index would only catch equal paths, not nested ones).
   */
  withFleetPathLock<T>(work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FLEET_PATH_LOCK_KEY}::bigint)`;
      return work(tx);
    });
  }

  fleetPaths(tx: PrismaTx) {
    return tx.cluster.findMany({ select: { name: true, fleetPath: true } });
  }

  async create(tx: PrismaTx, caller: Caller, data: Prisma.ClusterCreateInput) {
    const row = await tx.cluster.create({ data });
    await recordAudit(tx, caller, { action: 'cluster.create', targetType: 'Cluster', targetId: row.name, after: row });
    return row;
  }

  /** Updates only if the row still has `version`; returns null when someone else changed it first. */
  async update(tx: PrismaTx, caller: Caller, name: string, version: number, data: Prisma.ClusterUpdateInput) {
    const before = await tx.cluster.findUnique({ where: { name } });
    const { count } = await tx.cluster.updateMany({
      where: { name, version },
      data: { ...data, version: { increment: 1 } } as Prisma.ClusterUpdateManyMutationInput,
    });
    if (count === 0) return null;
    const after = await tx.cluster.findUniqueOrThrow({ where: { name } });
    await recordAudit(tx, caller, { action: 'cluster.update', targetType: 'Cluster', targetId: name, before, after });
    return after;
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
