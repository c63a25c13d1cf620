import { randomUUID } from 'node:crypto';
import type { Caller } from '@berth/authz';
import type { PrismaTx } from '@berth/prisma';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** As JSON text for a jsonb column; undefined/null → SQL NULL (Prisma's DbNull). */
const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Records who changed what, inside the caller's transaction: the change and its audit event commit
 * or roll back together. Raw SQL: it is part of every write's transaction (every namespace decision),
 * and Prisma's query compiler would cost more CPU than the insert itself.
 */
export async function recordAudit(tx: PrismaTx, caller: Pick<Caller, 'principal' | 'requestId'>, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" (id, at, actor, "requestId", action, "targetType", "targetId", "tenantId", before, after)
    VALUES (${randomUUID()}::uuid, ${new Date()}, ${caller.principal.actor}, ${caller.requestId ?? null}, ${entry.action}, ${entry.targetType},
            ${entry.targetId}, ${entry.tenantId ?? null}::uuid, ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb)`;
}
