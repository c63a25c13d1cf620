import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService } from '@berth/prisma';
import { recordAudit } from '../audit-events/audit.writer';

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

  create(caller: Caller, data: Prisma.QuotaTierCreateInput) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.quotaTier.create({ data });
      await recordAudit(tx, caller, { action: 'quota-tier.create', targetType: 'QuotaTier', targetId: row.name, after: row });
      return row;
    });
  }

  /** Updates only if the row still has `version`; returns null when someone else changed it first. */
  update(caller: Caller, name: string, version: number, data: Prisma.QuotaTierUpdateInput) {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.quotaTier.findUnique({ where: { name } });
      const { count } = await tx.quotaTier.updateMany({
        where: { name, version },
        data: { ...data, version: { increment: 1 } } as Prisma.QuotaTierUpdateManyMutationInput,
      });
      if (count === 0) return null;
      const after = await tx.quotaTier.findUniqueOrThrow({ where: { name } });
      await recordAudit(tx, caller, { action: 'quota-tier.update', targetType: 'QuotaTier', targetId: name, before, after });
      return after;
    });
  }

  /**
   * Deletes a tier nothing refers to: no namespace (live) and no request pending approval names it, and no
   * tenant lists it (allowedTiers, previewTier). The tier's row is locked first, so a concurrent delete or
   * update waits; a tenant cannot start using a tier it is not allowed, so counting here is race-free.
   */
  delete(caller: Caller, name: string, version: number): Promise<'deleted' | 'stale' | TierReferences> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "QuotaTier" WHERE name = ${name} FOR UPDATE`;
      const before = await tx.quotaTier.findUnique({ where: { name } });
      if (!before || before.version !== version) return 'stale';
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
      if (namespaces > 0 || requests > 0 || tenants.length > 0) return { namespaces, requests, tenants: tenants.map((t) => t.name) };
      await tx.quotaTier.delete({ where: { name } });
      await recordAudit(tx, caller, { action: 'quota-tier.delete', targetType: 'QuotaTier', targetId: name, before });
      return 'deleted';
    });
  }
}
