import { Prisma } from '@prisma/client';
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

const json = (value: unknown) => (value === undefined || value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

/**
 * Records who changed what, inside the caller's transaction: the change and its audit event commit
 * or roll back together.
 */
export function recordAudit(tx: PrismaTx, caller: Pick<Caller, 'principal' | 'requestId'>, entry: AuditEntry) {
  return tx.auditEvent.create({
    data: {
      actor: caller.principal.actor,
      requestId: caller.requestId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      tenantId: entry.tenantId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    },
  });
}
