import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService, SqlTx } from '@berth/prisma';

/** One audited change: what was done to which row, and the row before and after. */
export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Who did it: the caller's principal and request. */
export type AuditActor = Pick<Caller, 'principal' | 'requestId'>;

export interface AuditFilter {
  visible: Prisma.AuditEventWhereInput;
  tenantId?: string;
  since?: Date;
  until?: Date;
  /** Keyset cursor: events strictly older than (at, id). */
  before?: { at: Date; id: string };
}

/** As JSON text for a jsonb column; undefined/null → SQL NULL (Prisma's DbNull). */
const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

@Injectable()
export class AuditEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records who changed what, inside the service's transaction: the change and its audit event commit
   * or roll back together.
   */
  async record(tx: SqlTx, actor: AuditActor, entry: AuditEntry): Promise<void> {
    await tx.$executeRaw(this.insertStatement(actor, entry));
  }

  /**
   * The one INSERT of an audit event, as a statement: `record` runs it on its own, the namespace decision
   * seam as a part of its one write statement. Raw SQL: it is part of every write's transaction, and
   * Prisma's query pipeline would cost more CPU than the insert itself.
   */
  insertStatement(actor: AuditActor, entry: AuditEntry): Prisma.Sql {
    return Prisma.sql`
      INSERT INTO "AuditEvent" (id, at, actor, "requestId", action, "targetType", "targetId", "tenantId", before, after)
      VALUES (${randomUUID()}::uuid, ${new Date()}, ${actor.principal.actor}, ${actor.requestId ?? null}, ${entry.action}, ${entry.targetType},
              ${entry.targetId}, ${entry.tenantId ?? null}::uuid, ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb)`;
  }

  /** Newest first, stable on ties by id. */
  list(filter: AuditFilter, limit: number) {
    const { visible, tenantId, since, until, before } = filter;
    return this.prisma.auditEvent.findMany({
      where: {
        AND: [
          visible,
          tenantId ? { tenantId } : {},
          since ? { at: { gte: since } } : {},
          until ? { at: { lt: until } } : {},
          before ? { OR: [{ at: { lt: before.at } }, { at: before.at, id: { lt: before.id } }] } : {},
        ],
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  async tenantNames(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.tenant.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
