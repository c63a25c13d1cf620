import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService } from '@berth/prisma';
import { recordAudit } from '../audit-events/audit.writer';

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

  delete(caller: Caller, name: string, version: number) {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.quotaTier.findUnique({ where: { name } });
      const { count } = await tx.quotaTier.deleteMany({ where: { name, version } });
      if (count === 0) return false;
      await recordAudit(tx, caller, { action: 'quota-tier.delete', targetType: 'QuotaTier', targetId: name, before });
      return true;
    });
  }
}
