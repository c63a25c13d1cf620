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
      select: {
        id: true,
        name: true,
        secretHash: true,
        role: true,
        clusterName: true,
        accountable: true,
        revokedAt: true,
        lastUsedAt: true,
        tenant: { select: { id: true, name: true } },
      },
    });
  }

  async touchApiKey(id: string, now: Date): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: now } });
  }

  /**
   * Every role the user holds directly or through a group, with the tenant's name. One SQL join: this
   * runs on every authenticated request, and Prisma would make it two round trips (and compile both).
   */
  membershipsOf(userId: string, groups: string[]): Promise<TenantMembership[]> {
    return this.prisma.sql.$queryRaw<TenantMembership[]>`
      SELECT m."tenantId" AS "tenantId", t.name AS "tenantName", m.role::text AS role
      FROM "Membership" m JOIN "Tenant" t ON t.id = m."tenantId"
      WHERE (m."subjectKind" = 'User' AND m."subjectName" = ${userId})
         OR (m."subjectKind" = 'Group' AND m."subjectName" = ANY(${groups}::text[]))`;
  }
}
