import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService } from '@berth/prisma';

export interface AuditFilter {
  visible: Prisma.AuditEventWhereInput;
  tenantId?: string;
  since?: Date;
  until?: Date;
  /** Keyset cursor: events strictly older than (at, id). */
  before?: { at: Date; id: string };
}

@Injectable()
export class AuditEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

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
