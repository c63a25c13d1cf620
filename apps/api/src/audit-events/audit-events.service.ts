import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { accessibleWhere, assertCan, Caller } from '@berth/authz';
import { BadInputError, DEFAULT_PAGE_SIZE, Page, PageCursor, toPage } from '@berth/common';
import { TenantsService } from '../tenants/tenants.service';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventResponse, AuditQueryDto } from './dto/audit-query.dto';

/** `<ISO time>|<id>` of the last event returned. */
const CURSOR = new PageCursor('audit-events', (key) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|/.test(key));

/** The audit trail: platform admins see all of it, tenant owners their tenant's part. */
@Injectable()
export class AuditEventsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly events: AuditEventsRepository,
  ) {}

  async list(caller: Caller, query: AuditQueryDto): Promise<Page<AuditEventResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    // A tenant the caller cannot see is a 404; one they see but may not audit (viewer, developer) a 403.
    const tenantId = query.tenant ? (await this.tenants.resolve(caller, query.tenant)).id : undefined;
    if (tenantId) assertCan(caller.ability, 'read', 'AuditEvent', { tenantId });
    const rows = await this.events.list(
      {
        visible: accessibleWhere(caller.ability, 'read', 'AuditEvent'),
        tenantId,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        before: parseCursor(CURSOR.decode(query.cursor)),
      },
      limit,
    );
    const names = await this.events.tenantNames([...new Set(rows.map((r) => r.tenantId).filter((id): id is string => !!id))]);
    return toPage(
      CURSOR,
      rows,
      limit,
      (r) => `${r.at.toISOString()}|${r.id}`,
      (r) => AuditEventResponse.from({ ...r, tenantName: r.tenantId ? (names.get(r.tenantId) ?? null) : null }),
    );
  }
}

function parseCursor(key: string | undefined): { at: Date; id: string } | undefined {
  if (key === undefined) return undefined;
  const [at, id] = key.split('|');
  const date = new Date(at);
  if (!id || !isUUID(id) || Number.isNaN(date.getTime()))
    throw new BadInputError('Invalid cursor', [{ field: 'cursor', code: 'invalid', message: 'not a cursor from this API' }]);
  return { at: date, id };
}
