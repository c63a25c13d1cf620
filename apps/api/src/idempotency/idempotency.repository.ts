import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService } from '@berth/prisma';

export interface StoredResponse {
  fingerprint: string;
  status: number | null;
  body: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims (scope, key) for a new request. Returns null when this call claimed it, or the record a
   * previous request left (in flight when `status` is null). Expired records are replaced.
   */
  async claim(scope: string, key: string, fingerprint: string, ttlMs: number): Promise<StoredResponse | null> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const claimed = await this.prisma.$executeRaw`
      INSERT INTO "IdempotencyRecord" (scope, key, fingerprint, "createdAt", "expiresAt")
      VALUES (${scope}, ${key}, ${fingerprint}, ${now}, ${expiresAt})
      ON CONFLICT (scope, key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, status = NULL, body = NULL,
            "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
        WHERE "IdempotencyRecord"."expiresAt" < ${now}`;
    if (claimed === 1) return null;
    const existing = await this.prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
    // Gone between the two statements (released by a failed first attempt): treat as claimable again.
    if (!existing) return this.claim(scope, key, fingerprint, ttlMs);
    return { fingerprint: existing.fingerprint, status: existing.status, body: existing.body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.prisma.idempotencyRecord.update({
      where: { scope_key: { scope, key } },
      data: { status, body: body === undefined ? Prisma.DbNull : (JSON.parse(JSON.stringify(body)) as Prisma.InputJsonValue) },
    });
  }

  async release(scope: string, key: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { scope, key, status: null } });
  }

  async purgeExpired(now = new Date()): Promise<number> {
    return (await this.prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } })).count;
  }
}
