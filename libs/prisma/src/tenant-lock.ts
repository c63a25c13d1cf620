import type { Pool } from 'pg';
import type { PrismaService, PrismaTx } from './prisma.service';
import { PgUnit, runUnit } from './pg-unit';
import { SqlTx } from './sql';

/** Long enough for a queue of concurrent requests of one tenant to wait for its row lock. */
export const TENANT_LOCK_TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * BEGIN, the same limits and the tenant's lock, sent with the unit's first statement (a simple query takes
 * no parameters, so the id is checked to be a UUID before it is written into the text): a unit waits at
 * most 10 s for the lock (then 503, nothing changed) and no statement runs longer than 20 s.
 */
function beginTenantUnit(tenantId: string): string {
  if (!UUID.test(tenantId)) throw new Error(`Not a tenant id: ${JSON.stringify(tenantId)}`);
  // SET answers with a bare command tag: cheaper for the client to read than a row of set_config().
  return `BEGIN; SET LOCAL lock_timeout = '10s'; SET LOCAL statement_timeout = '20s'; SELECT FROM "Tenant" WHERE id = '${tenantId}' FOR UPDATE`;
}

/** Takes the tenant's row lock inside `tx`, until the transaction ends. */
export async function lockTenant(tx: SqlTx, tenantId: string): Promise<void> {
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

/**
 * {@link withTenantLock} on a plain pg connection of Prisma's own pool, for work that needs raw SQL only
 * (the namespace decisions): the same lock and limits, without Prisma's transaction machinery, and in as
 * few round trips as the work allows (see {@link PgUnit}: the lock goes out with the first statement, and
 * the last may carry the COMMIT).
 */
export function withTenantLockOnPool<T>(pool: Pool, tenantId: string, work: (tx: PgUnit) => Promise<T>): Promise<T> {
  return runUnit(pool, beginTenantUnit(tenantId), work);
}
