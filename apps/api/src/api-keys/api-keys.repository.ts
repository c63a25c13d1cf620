import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

export type NewKey = Pick<ApiKey, 'name' | 'lookupId' | 'secretHash' | 'role' | 'tenantId' | 'createdBy' | 'accountable'> & { clusterName?: string | null };

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

  create(tx: PrismaTx, data: NewKey) {
    return tx.apiKey.create({ data, select: PUBLIC_FIELDS });
  }

  revoke(tx: PrismaTx, id: string, at: Date) {
    return tx.apiKey.update({ where: { id }, data: { revokedAt: at }, select: PUBLIC_FIELDS });
  }

  /** Creates the key, or un-revokes the one with its lookup id (a configured key, seeded on every start). */
  async createOrRestore(tx: PrismaTx, data: NewKey): Promise<void> {
    await tx.apiKey.upsert({ where: { lookupId: data.lookupId }, create: data, update: { revokedAt: null } });
  }

  countActiveAdmins(tx: PrismaTx): Promise<number> {
    return tx.apiKey.count({ where: { role: 'admin', revokedAt: null } });
  }
}
