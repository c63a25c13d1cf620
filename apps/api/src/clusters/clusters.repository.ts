import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

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
   * Takes the fleetPath lock until `tx` ends: every create or update of a cluster, on any replica, reads
   * the other clusters' paths and writes its own one after the other, so two clashing paths can never both
   * be accepted (a unique index would only catch equal paths, not nested ones).
   */
  async lockFleetPaths(tx: PrismaTx): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FLEET_PATH_LOCK_KEY}::bigint)`;
  }

  fleetPaths(tx: PrismaTx) {
    return tx.cluster.findMany({ select: { name: true, fleetPath: true } });
  }

  create(tx: PrismaTx, data: Prisma.ClusterCreateInput) {
    return tx.cluster.create({ data });
  }

  /** Updates only if the row still has `version`; null when someone else changed it first. */
  async update(tx: PrismaTx, name: string, version: number, data: Prisma.ClusterUpdateInput) {
    const before = await tx.cluster.findUnique({ where: { name } });
    const { count } = await tx.cluster.updateMany({
      where: { name, version },
      data: { ...data, version: { increment: 1 } } as Prisma.ClusterUpdateManyMutationInput,
    });
    if (count === 0) return null;
    return { before, after: await tx.cluster.findUniqueOrThrow({ where: { name } }) };
  }

  find(tx: PrismaTx, name: string) {
    return tx.cluster.findUnique({ where: { name } });
  }

  /** How many namespaces (any tenant, any state) live on the cluster. */
  countNamespaces(tx: PrismaTx, name: string): Promise<number> {
    return tx.namespace.count({ where: { cluster: name } });
  }

  /** Deletes the cluster if it still has `version`; false when someone else changed or deleted it first. */
  async delete(tx: PrismaTx, name: string, version: number): Promise<boolean> {
    const { count } = await tx.cluster.deleteMany({ where: { name, version } });
    return count > 0;
  }
}
