import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { lockTenant, PrismaService, PrismaTx } from '@berth/prisma';
import { FleetQueue } from '@berth/gitops/writer';
import { recordAudit } from '../audit-events/audit.writer';

@Injectable()
export class TenantsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly fleet: FleetQueue,
  ) {}

  /** The tenant only if `visible` (the caller's CASL read filter) admits it. */
  findVisible(visible: Prisma.TenantWhereInput, name: string) {
    return this.prisma.tenant.findFirst({ where: { AND: [visible, { name }] } });
  }

  /** By name, without a visibility filter: the caller has checked the principal's memberships. */
  findByName(name: string) {
    return this.prisma.tenant.findUnique({ where: { name } });
  }

  listVisible(visible: Prisma.TenantWhereInput, limit: number, after?: string) {
    return this.prisma.tenant.findMany({
      // The plainest shape Prisma can take: each distinct query shape costs its query compiler time.
      where: after ? { AND: [visible, { name: { gt: after } }] } : visible,
      orderBy: { name: 'asc' },
      take: limit + 1,
    });
  }

  /**
   * Locks the rows of `tenants` (their namespace decisions, which hold the same lock, wait) and lists their
   * namespaces and pending Create requests whose name starts with `prefix` (at most 20 of each).
   */
  async lockAndListPrefixed(tx: PrismaTx, tenants: string[], prefix: string): Promise<Array<{ tenant: string; name: string }>> {
    if (tenants.length === 0) return [];
    await tx.$queryRaw`SELECT id FROM "Tenant" WHERE name = ANY(${tenants}::text[]) ORDER BY name FOR UPDATE`;
    const where = { tenant: { name: { in: tenants } } };
    const [namespaces, requests] = await Promise.all([
      tx.namespace.findMany({
        where: { ...where, name: { startsWith: prefix } },
        select: { name: true, tenant: { select: { name: true } } },
        orderBy: { name: 'asc' },
        take: 20,
      }),
      tx.namespaceRequest.findMany({
        where: { ...where, kind: 'Create', state: 'PendingApproval', namespace: { startsWith: prefix } },
        select: { namespace: true, tenant: { select: { name: true } } },
        orderBy: { namespace: 'asc' },
        take: 20,
      }),
    ]);
    return [...namespaces.map((n) => ({ tenant: n.tenant.name, name: n.name })), ...requests.map((r) => ({ tenant: r.tenant.name, name: r.namespace }))];
  }

  async missingNames(model: 'cluster' | 'quotaTier', names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const delegate = model === 'cluster' ? this.prisma.cluster : this.prisma.quotaTier;
    const found = await (delegate as typeof this.prisma.cluster).findMany({ where: { name: { in: names } }, select: { name: true } });
    const known = new Set(found.map((r) => r.name));
    return names.filter((n) => !known.has(n));
  }

  /** Creates a tenant and its owners; `guard` runs first in the same transaction (it may lock rows or throw). */
  create(caller: Caller, data: Prisma.TenantCreateInput, owners: Array<{ kind: 'User' | 'Group'; name: string }>, guard?: (tx: PrismaTx) => Promise<void>) {
    return this.prisma.$transaction(async (tx) => {
      await guard?.(tx);
      const row = await tx.tenant.create({ data });
      for (const owner of owners) {
        await tx.membership.create({ data: { tenantId: row.id, subjectKind: owner.kind, subjectName: owner.name, role: 'owner' } });
      }
      await recordAudit(tx, caller, { action: 'tenant.create', targetType: 'Tenant', targetId: row.name, tenantId: row.id, after: { ...row, owners } });
      return row;
    });
  }

  /** Optimistic update: returns null when the row no longer has `version`. */
  /** Optimistic update; with `refreshFleet`, the fleet writer's job to re-render the tenant is in the same transaction. */
  update(caller: Caller, id: string, version: number, data: Prisma.TenantUpdateManyMutationInput, refreshFleet = false) {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.tenant.findUnique({ where: { id } });
      const { count } = await tx.tenant.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 } } });
      if (count === 0 || !before) return null;
      const after = await tx.tenant.findUniqueOrThrow({ where: { id } });
      if (refreshFleet) await this.fleet.enqueueTenant(tx, after.name);
      await recordAudit(tx, caller, { action: 'tenant.update', targetType: 'Tenant', targetId: after.name, tenantId: id, before, after });
      return after;
    });
  }

  /**
   * Deletes a tenant that has nothing left on any cluster: no namespace (live or being deleted) and no
   * request still open. Its finished requests go with it; the audit trail keeps the history. Runs under
   * the tenant's row lock, so no request can slip in meanwhile.
   */
  delete(caller: Caller, id: string, version: number): Promise<'deleted' | 'stale' | 'in-use'> {
    return this.prisma.$transaction(async (tx) => {
      await lockTenant(tx, id);
      const before = await tx.tenant.findUnique({ where: { id } });
      if (!before || before.version !== version) return 'stale';
      const [namespaces, open] = await Promise.all([
        tx.namespace.count({ where: { tenantId: id } }),
        tx.namespaceRequest.count({ where: { tenantId: id, state: { in: ['PendingApproval', 'Approved'] } } }),
      ]);
      if (namespaces > 0 || open > 0) return 'in-use';
      await tx.namespaceRequest.deleteMany({ where: { tenantId: id } });
      await tx.tenant.delete({ where: { id } });
      // tenantId stays on the event although the row is gone: the trail outlives the tenant.
      await recordAudit(tx, caller, { action: 'tenant.delete', targetType: 'Tenant', targetId: before.name, tenantId: id, before });
      return 'deleted';
    });
  }
}
