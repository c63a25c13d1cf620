import { Injectable } from '@nestjs/common';
import { PrismaService } from '@berth/prisma';
import type { TenantMembership } from '@berth/authz';

/** Lookups authentication needs: API keys by lookup id, memberships by user and groups. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly prisma: PrismaService) {}

  findApiKey(lookupId: string) {
    return this.prisma.apiKey.findUnique({
      where: { lookupId },
      select: { id: true, name: true, secretHash: true, role: true, revokedAt: true, lastUsedAt: true, tenant: { select: { id: true, name: true } } },
    });
  }

  async touchApiKey(id: string, now: Date): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: now } });
  }

  async membershipsOf(userId: string, groups: string[]): Promise<TenantMembership[]> {
    const rows = await this.prisma.membership.findMany({
      where: {
        OR: [
          { subjectKind: 'User', subjectName: userId },
          ...(groups.length > 0 ? [{ subjectKind: 'Group' as const, subjectName: { in: groups } }] : []),
        ],
      },
      select: { role: true, tenant: { select: { id: true, name: true } } },
    });
    return rows.map((r) => ({ tenantId: r.tenant.id, tenantName: r.tenant.name, role: r.role }));
  }
}
