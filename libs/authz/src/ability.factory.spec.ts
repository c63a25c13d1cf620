import { subject } from '@casl/ability';
import { abilityFor, accessibleWhere, defineAbilityFor } from './ability.factory';
import type { Principal } from './principal';

const principal = (overrides: Partial<Principal>): Principal => ({
  kind: 'apiKey',
  id: 'k',
  actor: 'apikey:k',
  accountable: 'user:owner',
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

  it('keeps four eyes even for admins, comparing the accountable person of any credential', () => {
    const as = (overrides: Partial<Principal>) => defineAbilityFor(principal({ isAdmin: true, ...overrides }));
    const request = (fields: object) => ({ __caslSubjectType__: 'NamespaceRequest', tenantId: 't1', ...fields }) as never;
    const alice = as({ kind: 'user', actor: 'user:alice', accountable: 'user:alice' });
    const alicesKey = as({ kind: 'apiKey', actor: 'apikey:k(1)', accountable: 'user:alice' });
    const bob = as({ kind: 'user', actor: 'user:bob', accountable: 'user:bob' });
    const asked = request({ requestedBy: 'apikey:ci(2)', accountable: 'user:alice' });
    for (const ability of [alice, alicesKey]) {
      expect(ability.can('approve', asked)).toBe(false);
      expect(ability.can('reject', asked)).toBe(false);
    }
    expect(bob.can('approve', asked)).toBe(true);
    // The credential itself, even if the accountable person were unknown (rows older than the column).
    expect(alicesKey.can('approve', request({ requestedBy: 'apikey:k(1)', accountable: 'apikey:k(1)' }))).toBe(false);
  });

  it('lets the accountable person cancel their own request through another credential', () => {
    const viewer = defineAbilityFor(principal({ accountable: 'user:alice', memberships: [{ tenantId: 't1', tenantName: 'a', role: 'viewer' }] }));
    const request = (accountable: string) => ({ __caslSubjectType__: 'NamespaceRequest', tenantId: 't1', requestedBy: 'apikey:x', accountable }) as never;
    expect(viewer.can('cancel', request('user:alice'))).toBe(true);
    expect(viewer.can('cancel', request('user:bob'))).toBe(false);
  });
});

describe('abilityFor (one ability per distinct principal)', () => {
  const dev = (role: 'viewer' | 'developer', tenantId = 't1') => principal({ kind: 'user', memberships: [{ tenantId, tenantName: 'a', role }] });

  it('reuses the ability of an equal principal, and builds another when anything it reads differs', () => {
    expect(abilityFor(dev('developer'))).toBe(abilityFor(dev('developer')));
    for (const other of [
      dev('viewer'),
      dev('developer', 't2'),
      { ...dev('developer'), isAdmin: true },
      { ...dev('developer'), accountable: 'user:else' },
      { ...dev('developer'), actor: 'user:else' },
      { ...dev('developer'), cluster: 'prod' },
      { ...dev('developer'), kind: 'apiKey' as const },
    ])
      expect(abilityFor(other)).not.toBe(abilityFor(dev('developer')));
  });

  it('applies a changed role at once: the downgraded member can no longer create', () => {
    const can = (p: Principal) => abilityFor(p).can('create', subject('NamespaceRequest', { tenantId: 't1' }) as never);
    expect(can(dev('developer'))).toBe(true);
    expect(can(dev('viewer'))).toBe(false);
    expect(can(dev('developer'))).toBe(true);
  });
});
