import { assertSingleOwners, fleetClaims, fleetPathClash, findCollisions, normalizeFleetPath, OwnershipCollisionError, pathsOverlap } from './ownership';

const clusters = (...pairs: Array<[string, string]>) => pairs.map(([name, fleetPath]) => ({ name, fleetPath }));

describe('normalizeFleetPath', () => {
  it.each([
    ['clusters/a', 'clusters/a'],
    ['clusters/a/', 'clusters/a'],
    ['./clusters/a', 'clusters/a'],
    ['clusters//a', 'clusters/a'],
    ['clusters/./a', 'clusters/a'],
    ['Clusters/A', 'clusters/a'],
  ])('%s → %s', (input, expected) => expect(normalizeFleetPath(input)).toBe(expected));

  it.each(['', '/', '.', '/clusters/a', '../a', 'clusters/../a', 'a\\b'])('refuses %j', (input) => expect(normalizeFleetPath(input)).toBeNull());
});

describe('pathsOverlap', () => {
  it.each([
    ['clusters/a', 'clusters/a', true],
    ['clusters/a', 'clusters/a/b', true],
    ['clusters', 'clusters/a', true],
    ['clusters/a', 'clusters/ab', false],
    ['clusters/a', 'clusters/b', false],
    ['clusters/a/', './Clusters/A', true],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(pathsOverlap(a, b)).toBe(expected);
    expect(pathsOverlap(b, a)).toBe(expected);
  });
});

describe('fleetPathClash', () => {
  const layout = { tenantsRoot: 'tenants', clusters: clusters(['a', 'clusters/a'], ['b', 'envs/prod/b']) };

  it('accepts a path of its own', () => {
    expect(fleetPathClash('clusters/c', layout)).toBeNull();
    expect(fleetPathClash('clusters/ab', layout)).toBeNull();
  });

  it.each([
    ['clusters/a', 'a'],
    ['clusters/a/', 'a'],
    ['./clusters/A', 'a'],
    ['clusters/a/nested', 'a'],
    ['clusters', 'a'],
    ['envs', 'b'],
    ['envs/prod/b/x', 'b'],
  ])('%s clashes with cluster %s', (path, cluster) => {
    expect(fleetPathClash(path, layout)).toMatchObject({ kind: 'cluster', cluster });
  });

  it.each(['tenants', 'tenants/a', 'tenants/x/y', './tenants/'])('%s clashes with the tenants root', (path) => {
    expect(fleetPathClash(path, layout)).toMatchObject({ kind: 'tenants-root', path: 'tenants' });
  });

  it('refuses the fleet root that holds the tenants folder', () => {
    expect(fleetPathClash('fleet', { tenantsRoot: 'fleet/tenants', clusters: [] })).toMatchObject({ kind: 'tenants-root' });
    expect(fleetPathClash('fleet/clusters/x', { tenantsRoot: 'fleet/tenants', clusters: [] })).toBeNull();
  });

  it('ignores the cluster being updated', () => {
    expect(fleetPathClash('clusters/a/deeper', { ...layout, self: 'a' })).toBeNull();
  });

  it('answers invalid for a malformed path', () => {
    expect(fleetPathClash('../etc', layout)).toMatchObject({ kind: 'invalid' });
  });
});

describe('file ownership (render invariant)', () => {
  const opts = { tenantsRoot: 'tenants' };

  it('finds nothing in a sound layout, namespaces included', () => {
    const claims = fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'clusters/b']), [
      { cluster: 'a', tenant: 't', name: 't-api' },
      { cluster: 'b', tenant: 't', name: 't-api' },
    ]);
    expect(findCollisions(claims)).toEqual([]);
    expect(() => assertSingleOwners(claims)).not.toThrow();
  });

  it('reports two clusters writing the same Flux entry point', () => {
    const found = findCollisions(fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'clusters/a'])));
    expect(found).toEqual([{ path: 'clusters/a/berth-tenants.yaml', owners: ['cluster/a', 'cluster/b'] }]);
  });

  it('reports a Flux entry point inside the tenants tree or inside another cluster folder', () => {
    expect(findCollisions(fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'tenants/a'])))).toEqual([
      { path: 'tenants/a/berth-tenants.yaml', owners: ['cluster/b', 'tenants', 'tenants/a'] },
      { path: 'tenants/a/kustomization.yaml', owners: ['cluster/b', 'tenants/a'] },
    ]);
    expect(findCollisions(fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'clusters/a/b'])))).toEqual([
      { path: 'clusters/a/b/berth-tenants.yaml', owners: ['cluster/a', 'cluster/b'] },
    ]);
  });

  it("reports another owner's files under a cluster folder that contains them", () => {
    const found = findCollisions(fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'clusters'])));
    expect(found).toEqual([{ path: 'clusters/a/berth-tenants.yaml', owners: ['cluster/a', 'cluster/b'] }]);
    const tenants = findCollisions(fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'tenants'])));
    expect(tenants.map((c) => c.path)).toEqual(['tenants/a/kustomization.yaml', 'tenants/b/kustomization.yaml', 'tenants/berth-tenants.yaml']);
  });

  it('compares paths without case, slashes or dots', () => {
    expect(findCollisions(fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', './Clusters/A/'])))).toHaveLength(1);
  });

  it('throws one error naming every collision', () => {
    const claims = fleetClaims(opts, clusters(['a', 'clusters/a'], ['b', 'clusters/a']));
    expect(() => assertSingleOwners(claims)).toThrow(OwnershipCollisionError);
    expect(() => assertSingleOwners(claims)).toThrow(/clusters\/a\/berth-tenants.yaml.*cluster\/a.*cluster\/b/);
  });
});
