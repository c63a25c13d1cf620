import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

/** What still refers to a tier (tenants: at most the first 20 names). */
export interface TierReferences {
  namespaces: number;
  requests: number;
  tenants: string[];
}

@Injectable()
export class QuotaTiersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByName(name: string) {
    return this.prisma.quotaTier.findUnique({ where: { name } });
  }

  list(limit: number, after?: string) {
    return this.prisma.quotaTier.findMany({
      where: after ? { name: { gt: after } } : undefined,
      orderBy: { name: 'asc' },
      take: limit + 1,
    });
  }

  create(tx: PrismaTx, data: Prisma.QuotaTierCreateInput) {
    return tx.quotaTier.create({ data });
  }

  /** Updates only if the row still has `version`; null when someone else changed it first. */
  async update(tx: PrismaTx, name: string, version: number, data: Prisma.QuotaTierUpdateInput) {
    const before = await tx.quotaTier.findUnique({ where: { name } });
    const { count } = await tx.quotaTier.updateMany({
      where: { name, version },
      data: { ...data, version: { increment: 1 } } as Prisma.QuotaTierUpdateManyMutationInput,
    });
    if (count === 0) return null;
    return { before, after: await tx.quotaTier.findUniqueOrThrow({ where: { name } }) };
  }

  /** Locks the tier's row until `tx` ends (a concurrent delete or update waits) and reads it. */
  async lock(tx: PrismaTx, name: string) {
    await tx.$queryRaw`SELECT 1 FROM "QuotaTier" WHERE name = ${name} FOR UPDATE`;
    return tx.quotaTier.findUnique({ where: { name } });
  }

  /** What names the tier: live namespaces, requests pending approval, tenants listing it (allowedTiers, previewTier). */
  async references(tx: PrismaTx, name: string): Promise<TierReferences> {
    const namesTier = { spec: { path: ['tier'], equals: name } };
    const [namespaces, requests, tenants] = await Promise.all([
      tx.namespace.count({ where: { ...namesTier, state: { not: 'Deleting' } } }),
      tx.namespaceRequest.count({ where: { ...namesTier, state: 'PendingApproval' } }),
      tx.tenant.findMany({
        where: { OR: [{ allowedTiers: { has: name } }, { previewTier: name }] },
        select: { name: true },
        orderBy: { name: 'asc' },
        take: 20,
      }),
    ]);
    return { namespaces, requests, tenants: tenants.map((t) => t.name) };
  }

  async delete(tx: PrismaTx, name: string): Promise<void> {
    await tx.quotaTier.delete({ where: { name } });
  }
}
