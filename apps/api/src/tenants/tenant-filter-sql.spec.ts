import { accessibleWhere, defineAbilityFor, Principal } from '@berth/authz';
import { tenantFilterSql } from './tenants.repository';

const principal = (patch: Partial<Principal> = {}): Principal => ({
  kind: 'user',
  id: 'u',
  actor: 'user:u',
  accountable: 'user:u',
  groups: [],
  isAdmin: false,
  memberships: [],
  ...patch,
});
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('tenantFilterSql (the tenant list read filter as SQL)', () => {
  it.each([
    ['an admin: every tenant', principal({ isAdmin: true }), 'TRUE', []],
    [
      'a member: the tenants of their roles',
      principal({
        memberships: [
          { tenantId: A, tenantName: 'a', role: 'viewer' },
          { tenantId: B, tenantName: 'b', role: 'owner' },
        ],
      }),
      '(id = ANY($1::uuid[]))',
      [[A, B]],
    ],
    ['nobody: no tenant', principal(), '(id = ANY($1::uuid[]))', [[]]],
  ])('translates the filter CASL builds for %s', (_label, who, sql, values) => {
    const filter = tenantFilterSql(accessibleWhere(defineAbilityFor(who), 'read', 'Tenant'))!;
    expect(filter.text).toBe(sql);
    expect(filter.values).toEqual(values);
  });

  it('leaves any other shape to Prisma (null), never guessing', () => {
    expect(tenantFilterSql({ name: 'x' })).toBeNull();
    expect(tenantFilterSql({ OR: [{ id: { in: [A] } }, { labels: { equals: {} } }] })).toBeNull();
    expect(tenantFilterSql({ id: { in: [A] }, name: 'x' })).toBeNull();
    expect(tenantFilterSql({ id: { notIn: [A] } })).toBeNull();
  });

  it('reads an empty OR as no tenant (deny by default), unlike Prisma', () => {
    expect(tenantFilterSql({ OR: [] })!.text).toBe('FALSE');
  });
});
