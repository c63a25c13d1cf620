import { Injectable } from '@nestjs/common';
import type { Membership } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

@Injectable()
export class MembersRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(tenantId: string, limit: number, after?: string) {
    return this.prisma.membership.findMany({
      where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
  }

  find(tenantId: string, id: string) {
    return this.prisma.membership.findFirst({ where: { tenantId, id } });
  }

  create(tx: PrismaTx, data: Pick<Membership, 'tenantId' | 'subjectKind' | 'subjectName' | 'role'>) {
    return tx.membership.create({ data });
  }

  countOwners(tx: PrismaTx, tenantId: string): Promise<number> {
    return tx.membership.count({ where: { tenantId, role: 'owner' } });
  }

  async delete(tx: PrismaTx, id: string): Promise<void> {
    await tx.membership.delete({ where: { id } });
  }
}
