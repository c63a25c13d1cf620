import { Injectable } from '@nestjs/common';
import { PrismaService, SqlTx } from '@berth/prisma';

export interface StoredResponse {
  fingerprint: string;
  status: number | null;
  body: unknown;
  /** When the request holding the key (status null) started: the lease runs from here. */
  claimedAt: Date;
}

/** Either this call holds the key now (`claimedAt` identifies this claim), or an earlier one does. */
export type Claim = { claimedAt: Date; previous?: undefined } | { previous: StoredResponse };

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims (scope, key) for a new request, or returns the record an earlier request left. The record is
   * replaced when it expired, and when it is still in flight (status null) after `leaseMs` with the same
   * fingerprint: the process that claimed it died, and its transaction with it. `createdAt` is the claim's
   * identity: the upsert takes the row lock, so of two retries after the lease only one claims.
   */
  async claim(scope: string, key: string, fingerprint: string, now: Date, ttlMs: number, leaseMs: number): Promise<Claim> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const leaseStart = new Date(now.getTime() - leaseMs);
    const claimed = await this.prisma.$executeRaw`
      INSERT INTO "IdempotencyRecord" (scope, key, fingerprint, "createdAt", "expiresAt")
      VALUES (${scope}, ${key}, ${fingerprint}, ${now}, ${expiresAt})
      ON CONFLICT (scope, key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, status = NULL, body = NULL,
            "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
        WHERE "IdempotencyRecord"."expiresAt" < ${now}
           OR ("IdempotencyRecord".status IS NULL AND "IdempotencyRecord"."createdAt" <= ${leaseStart}
               AND "IdempotencyRecord".fingerprint = EXCLUDED.fingerprint)`;
    if (claimed === 1) return { claimedAt: now };
    const existing = await this.prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
    // Gone between the two statements (released by a failed first attempt): treat as claimable again.
    if (!existing) return this.claim(scope, key, fingerprint, now, ttlMs, leaseMs);
    return { previous: { fingerprint: existing.fingerprint, status: existing.status, body: existing.body, claimedAt: existing.createdAt } };
  }

  /**
   * Stores the answer of the claim made at `claimedAt`, if that claim still holds the key; returns whether
   * it did. In the work's transaction `db`, the answer commits with the request's own changes, or not at all.
   */
  async complete(db: SqlTx, scope: string, key: string, claimedAt: Date, status: number, body: unknown): Promise<boolean> {
    const answer = body === undefined ? null : JSON.stringify(body);
    const updated = await db.$executeRaw`
      UPDATE "IdempotencyRecord" SET status = ${status}, body = ${answer}::jsonb
       WHERE scope = ${scope} AND key = ${key} AND "createdAt" = ${claimedAt} AND status IS NULL`;
    return updated === 1;
  }

  /** Frees the key for a retry (the claim at `claimedAt` failed and changed nothing). */
  async release(scope: string, key: string, claimedAt: Date): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { scope, key, createdAt: claimedAt, status: null } });
  }

  /** The answer of a claim once its route returned, outside any transaction (a no-op when the work recorded it in its own). */
  completeNow(scope: string, key: string, claimedAt: Date, status: number, body: unknown): Promise<boolean> {
    return this.complete(this.prisma, scope, key, claimedAt, status, body);
  }

  /** Removes the records expired by `now`; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    return (await this.prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } })).count;
  }
}
