import { Injectable } from '@nestjs/common';
import { Prisma, Tenant } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * By name, without a visibility filter: the caller checks the row against the caller's ability (the
   * same rules a list filters with). Raw SQL on the pool (`prisma.sql`): this runs on most requests, and
   * Prisma's query pipeline costs more CPU than the query itself.
   */
  async findByName(name: string): Promise<Tenant | null> {
    const [row] = await this.prisma.sql.$queryRaw<Tenant[]>`SELECT * FROM "Tenant" WHERE name = ${name}`;
    return row ?? null;
  }

  /** The tenants `visible` (the caller's CASL read filter) admits, by name, one page (`limit + 1` rows). */
  listVisible(visible: Prisma.TenantWhereInput, limit: number, after?: string): Promise<Tenant[]> {
    const filter = tenantFilterSql(visible);
    if (filter) {
      const from = after === undefined ? Prisma.empty : Prisma.sql`AND name > ${after}`;
      return this.prisma.sql.$queryRaw<Tenant[]>`SELECT * FROM "Tenant" WHERE ${filter} ${from} ORDER BY name ASC LIMIT ${limit + 1}`;
    }
    return this.prisma.tenant.findMany({
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

  create(tx: PrismaTx, data: Prisma.TenantCreateInput) {
    return tx.tenant.create({ data });
  }

  /** Optimistic update: null when the row no longer has `version`. */
  async update(tx: PrismaTx, id: string, version: number, data: Prisma.TenantUpdateManyMutationInput) {
    const before = await tx.tenant.findUnique({ where: { id } });
    const { count } = await tx.tenant.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 } } });
    if (count === 0 || !before) return null;
    return { before, after: await tx.tenant.findUniqueOrThrow({ where: { id } }) };
  }

  find(tx: PrismaTx, id: string) {
    return tx.tenant.findUnique({ where: { id } });
  }

  /** Whether the tenant still has something on a cluster: a namespace (live or being deleted) or a request still open. */
  async inUse(tx: PrismaTx, id: string): Promise<boolean> {
    const [namespaces, open] = await Promise.all([
      tx.namespace.count({ where: { tenantId: id } }),
      tx.namespaceRequest.count({ where: { tenantId: id, state: { in: ['PendingApproval', 'Approved'] } } }),
    ]);
    return namespaces > 0 || open > 0;
  }

  /**
   * Deletes the tenant row and its finished requests (their foreign key restricts; the audit trail keeps
   * the history). Memberships, keys, previews and webhooks go with it by cascade.
   */
  async delete(tx: PrismaTx, id: string): Promise<void> {
    await tx.namespaceRequest.deleteMany({ where: { tenantId: id } });
    await tx.tenant.delete({ where: { id } });
  }
}

/**
 * The CASL read filter as SQL on "Tenant", for the shapes @casl/prisma makes of Berth's rules (`{}`,
 * `OR`/`AND` of them, `id in [...]`); null for any other shape, and the list then goes through Prisma,
 * so a new rule can never be mistranslated, only slower.
 */
export function tenantFilterSql(where: Prisma.TenantWhereInput): Prisma.Sql | null {
  const keys = Object.keys(where);
  if (keys.length === 0) return Prisma.sql`TRUE`;
  if (keys.length !== 1) return null;
  if (where.OR !== undefined || where.AND !== undefined) {
    const list = where.OR ?? where.AND;
    if (!Array.isArray(list)) return null;
    const parts = list.map(tenantFilterSql);
    if (parts.some((p) => p === null)) return null;
    // Deny by default: an empty OR admits nothing (accessibleWhere never yields one, but never read it as "all").
    if (parts.length === 0) return where.OR ? Prisma.sql`FALSE` : Prisma.sql`TRUE`;
    return Prisma.sql`(${Prisma.join(parts as Prisma.Sql[], where.OR ? ' OR ' : ' AND ')})`;
  }
  const id = where.id;
  if (id && typeof id === 'object' && Object.keys(id).length === 1 && Array.isArray(id.in)) return Prisma.sql`id = ANY(${id.in}::uuid[])`;
  return null;
}
