import { Injectable } from '@nestjs/common';
import type { Membership } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService, withTenantLock } from '@berth/prisma';
import { recordAudit } from '../audit-events/audit.writer';

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

  create(caller: Caller, data: Pick<Membership, 'tenantId' | 'subjectKind' | 'subjectName' | 'role'>) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.membership.create({ data });
      await recordAudit(tx, caller, {
        action: 'member.add',
        targetType: 'Membership',
        targetId: `${row.subjectKind}:${row.subjectName}`,
        tenantId: row.tenantId,
        after: row,
      });
      return row;
    });
  }

  /**
   * Removes a membership unless it is the tenant's last owner. The tenant row is locked first, so two
   * concurrent removals of the last two owners cannot both succeed.
   */
  remove(caller: Caller, row: Membership): Promise<'removed' | 'last-owner'> {
    return withTenantLock(this.prisma, row.tenantId, async (tx) => {
      if (row.role === 'owner') {
        const owners = await tx.membership.count({ where: { tenantId: row.tenantId, role: 'owner' } });
        if (owners <= 1) return 'last-owner';
      }
      await tx.membership.delete({ where: { id: row.id } });
      await recordAudit(tx, caller, {
        action: 'member.remove',
        targetType: 'Membership',
        targetId: `${row.subjectKind}:${row.subjectName}`,
        tenantId: row.tenantId,
        before: row,
      });
      return 'removed';
    });
  }
}
