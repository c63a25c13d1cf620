import { evaluate } from './evaluate';
import { enclosingTenantCandidates, prefixCandidates, prefixOwner, tenantPrefix } from './prefix';
import { codes, snapshot } from './testing/fixtures';

describe('tenant prefixes', () => {
  it('lists the tenants whose prefix a name starts with', () => {
    expect(prefixCandidates('x-web-api', '{tenant}-')).toEqual(['x', 'x-web']);
    expect(prefixCandidates('team-x-web-api', 'team-{tenant}-')).toEqual(['x', 'x-web']);
    expect(prefixCandidates('other', 'team-{tenant}-')).toEqual([]);
    expect(prefixCandidates('x-web', 'fixed-')).toEqual([]);
    expect(tenantPrefix('{tenant}-', 'x')).toBe('x-');
  });

  it('gives a name to the tenant with the longest prefix', () => {
    expect(prefixOwner('x-web-api', '{tenant}-', ['x', 'x-web'])).toBe('x-web');
    expect(prefixOwner('x-webby', '{tenant}-', ['x', 'x-web'])).toBe('x');
    expect(prefixOwner('y-api', '{tenant}-', ['x', 'x-web'])).toBeUndefined();
  });

  it('lists the tenants a new tenant would take names from', () => {
    expect(enclosingTenantCandidates('x-web', '{tenant}-')).toEqual(['x']);
    expect(enclosingTenantCandidates('a-b-c', '{tenant}-')).toEqual(['a', 'a-b']);
    expect(enclosingTenantCandidates('x', '{tenant}-')).toEqual([]);
  });
});

describe("naming: another tenant's prefix (Create)", () => {
  it.each<[string, string, string[], string[]]>([
    ['in a longer prefix of another tenant', 'acme-web-api', ['acme-web'], ['name.tenant-prefix']],
    ['next to it, not in it', 'acme-webby', ['acme-web'], []],
    ["the other tenant's name itself", 'acme-web', ['acme-web'], []],
    ['nested twice', 'acme-web-x-api', ['acme-web', 'acme-web-x'], ['name.tenant-prefix']],
  ])('%s: %s', (_, name, prefixTenants, expected) => {
    const d = evaluate(snapshot({ name }, { prefixTenants }));
    expect(codes(d)).toEqual(expected);
    if (expected.length) expect(d.reasons[0]).toMatchObject({ field: 'name', severity: 'deny', message: expect.stringContaining(`"${prefixTenants.at(-1)}"`) });
  });

  it('lets the tenant with the longer prefix take the name', () => {
    const d = evaluate(snapshot({ name: 'acme-web-api' }, { tenant: { ...snapshot().tenant, name: 'acme-web' }, prefixTenants: ['acme'] }));
    expect(codes(d)).toEqual([]);
  });

  it('does nothing when prefixes are off', () => {
    expect(codes(evaluate(snapshot({ name: 'acme-web-api' }, { prefixTenants: ['acme-web'] }), { namePrefix: '' }))).toEqual([]);
  });
});
