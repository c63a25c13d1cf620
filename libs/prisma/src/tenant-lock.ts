import type { PrismaService, PrismaTx } from './prisma.service';

/** Long enough for a queue of concurrent requests of one tenant to wait for its row lock. */
export const TENANT_LOCK_TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** Takes the tenant's row lock inside `tx`, until the transaction ends. */
export async function lockTenant(tx: PrismaTx, tenantId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Tenant" WHERE id = ${tenantId}::uuid FOR UPDATE`;
}

/**
 * Runs `work` in a transaction holding the tenant's row lock. Every decision that reads a tenant's
 * budget, preview count or owners and then writes is serialized per tenant this way, across all API
 * processes — the one lock that makes the quota ledger race-free.
 */
export function withTenantLock<T>(prisma: PrismaService, tenantId: string, work: (tx: PrismaTx) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await lockTenant(tx, tenantId);
    return work(tx);
  }, TENANT_LOCK_TX_OPTIONS);
}
