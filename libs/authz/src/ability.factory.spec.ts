import { accessibleWhere, defineAbilityFor } from './ability.factory';
import type { Principal } from './principal';

const principal = (overrides: Partial<Principal>): Principal => ({
  kind: 'apiKey',
  id: 'k',
  actor: 'apikey:k',
  groups: [],
  isAdmin: false,
  memberships: [],
  ...overrides,
});

describe('accessibleWhere (CASL → Prisma where)', () => {
  it('matches no row when no rule grants the action (never an empty OR, which Prisma reads as "all")', () => {
    const clusterKey = defineAbilityFor(principal({ cluster: 'prod' }));
    expect(accessibleWhere(clusterKey, 'read', 'Tenant')).toEqual({ id: { in: [] } });
    const previewKey = defineAbilityFor(principal({ memberships: [{ tenantId: 't1', tenantName: 'a', role: 'preview' }] }));
    expect(accessibleWhere(previewKey, 'read', 'Tenant')).toEqual({ id: { in: [] } });
  });

  it('filters a viewer to their tenants and lets an admin see everything', () => {
    const viewer = defineAbilityFor(principal({ kind: 'user', memberships: [{ tenantId: 't1', tenantName: 'a', role: 'viewer' }] }));
    expect(JSON.stringify(accessibleWhere(viewer, 'read', 'Tenant'))).toContain('t1');
    const admin = defineAbilityFor(principal({ isAdmin: true }));
    expect(accessibleWhere(admin, 'read', 'Tenant')).not.toEqual({ id: { in: [] } });
  });

  it('keeps four eyes even for admins', () => {
    const admin = defineAbilityFor(principal({ kind: 'user', actor: 'user:alice', isAdmin: true }));
    const own = { requestedBy: 'user:alice', tenantId: 't1' };
    expect(admin.can('approve', { __caslSubjectType__: 'NamespaceRequest', ...own } as never)).toBe(false);
    expect(admin.can('approve', { __caslSubjectType__: 'NamespaceRequest', ...own, requestedBy: 'user:bob' } as never)).toBe(true);
  });
});
