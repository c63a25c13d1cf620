import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService } from '@berth/prisma';
import { recordAudit } from '../audit-events/audit.writer';

type NewKey = Pick<ApiKey, 'name' | 'lookupId' | 'secretHash' | 'role' | 'tenantId' | 'createdBy' | 'accountable'> & { clusterName?: string | null };

/** Rows never leave this repository with their hash except for authentication (IdentityRepository). */
const PUBLIC_FIELDS = {
  id: true,
  name: true,
  role: true,
  tenantId: true,
  clusterName: true,
  createdBy: true,
  accountable: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  lookupId: true,
  secretHash: false,
} as const;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(tenantId: string | null, limit: number, after?: string) {
    return this.prisma.apiKey.findMany({
      where: { tenantId, ...(tenantId === null ? { role: { in: ['admin' as const, 'cluster' as const] } } : {}), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: PUBLIC_FIELDS,
    });
  }

  find(tenantId: string | null, id: string) {
    return this.prisma.apiKey.findFirst({ where: { id, tenantId }, select: PUBLIC_FIELDS });
  }

  async clusterExists(name: string): Promise<boolean> {
    return (await this.prisma.cluster.count({ where: { name } })) > 0;
  }

  create(caller: Caller, data: NewKey) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.apiKey.create({ data, select: PUBLIC_FIELDS });
      await recordAudit(tx, caller, {
        action: 'api-key.create',
        targetType: 'ApiKey',
        targetId: row.id,
        tenantId: row.tenantId,
        after: { name: row.name, role: row.role, cluster: row.clusterName },
      });
      return row;
    });
  }

  revoke(caller: Caller, id: string, at: Date) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.apiKey.update({ where: { id }, data: { revokedAt: at }, select: PUBLIC_FIELDS });
      await recordAudit(tx, caller, {
        action: 'api-key.revoke',
        targetType: 'ApiKey',
        targetId: row.id,
        tenantId: row.tenantId,
        before: { name: row.name, role: row.role },
      });
      return row;
    });
  }
}
