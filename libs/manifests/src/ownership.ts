import { CLUSTER_SYNC_FILE } from './cluster';

/**
 * "No file has two owners": every path Berth renders into the fleet repository belongs to exactly one
 * owner, and a folder whose content is applied as a whole (a cluster's Flux entry point, the tenants
 * tree) holds files of that owner and its descendants only. Owners are hierarchical ids:
 *
 *   tenants                    the tenants root (`tenants/`): only Berth's per-cluster tenant trees live here
 *   tenants/<c>                cluster c's tenant index (`tenants/<c>/`, reconciled by c's berth-tenants)
 *   tenants/<c>/<t>            tenant t's onboarding on cluster c
 *   tenants/<c>/<t>/<ns>       namespace ns
 *   cluster/<c>                cluster c's Flux entry point (`<fleetPath>/berth-tenants.yaml`); Flux applies
 *                              everything under its fleetPath to cluster c, so that folder is c's alone
 *
 * A file of owner O may sit in a folder of owner S only when O is S or below it.
 */

/** A file path compared the way a checkout on any file system would see it: segments, no `.`, no case. */
export function normalizeFleetPath(path: string): string | null {
  if (typeof path !== 'string' || path.startsWith('/') || path.includes('\\')) return null;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return null;
  return segments.join('/').toLowerCase();
}

/** Equal, or one folder contains the other (by whole segments: `clusters/a` does not contain `clusters/ab`). */
export function pathsOverlap(a: string, b: string): boolean {
  const [x, y] = [normalizeFleetPath(a), normalizeFleetPath(b)];
  if (x === null || y === null) return false;
  return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

export type FleetPathClash = { kind: 'invalid'; path: string } | { kind: 'tenants-root'; path: string } | { kind: 'cluster'; cluster: string; path: string };

/**
 * Why `candidate` cannot be a cluster's fleetPath, or null: it must neither equal, contain nor lie in the
 * tenants root or another cluster's fleetPath (`self`, the cluster being updated, is skipped).
 */
export function fleetPathClash(
  candidate: string,
  layout: { tenantsRoot: string; clusters: ReadonlyArray<{ name: string; fleetPath: string }>; self?: string },
): FleetPathClash | null {
  if (normalizeFleetPath(candidate) === null) return { kind: 'invalid', path: candidate };
  if (pathsOverlap(candidate, layout.tenantsRoot)) return { kind: 'tenants-root', path: layout.tenantsRoot };
  const other = [...layout.clusters].sort((a, b) => a.name.localeCompare(b.name)).find((c) => c.name !== layout.self && pathsOverlap(candidate, c.fleetPath));
  return other ? { kind: 'cluster', cluster: other.name, path: other.fleetPath } : null;
}

export interface OwnershipClaims {
  /** Rendered files and their owner. */
  files: Array<{ path: string; owner: string }>;
  /** Folders whose content belongs to one owner and its descendants. */
  folders: Array<{ path: string; owner: string }>;
}

export interface OwnershipCollision {
  path: string;
  /** Every owner that claims the path (sorted). */
  owners: string[];
}

export class OwnershipCollisionError extends Error {
  override readonly name = 'OwnershipCollisionError';

  constructor(readonly collisions: OwnershipCollision[]) {
    super(`refusing to render files with two owners: ${collisions.map((c) => `${c.path} (${c.owners.join(', ')})`).join('; ')}`);
  }
}

/**
 * The claims of a fleet layout: each cluster's tenant index and Flux entry point, and (when given) the
 * tenant and namespace folders. Cluster-level claims alone catch every clash a fleetPath can cause.
 */
export function fleetClaims(
  opts: { tenantsRoot: string },
  clusters: ReadonlyArray<{ name: string; fleetPath: string }>,
  namespaces: ReadonlyArray<{ cluster: string; tenant: string; name: string }> = [],
): OwnershipClaims {
  const claims: OwnershipClaims = { files: [], folders: [{ path: opts.tenantsRoot, owner: 'tenants' }] };
  for (const c of clusters) {
    claims.folders.push({ path: `${opts.tenantsRoot}/${c.name}`, owner: `tenants/${c.name}` }, { path: c.fleetPath, owner: `cluster/${c.name}` });
    claims.files.push(
      { path: `${opts.tenantsRoot}/${c.name}/kustomization.yaml`, owner: `tenants/${c.name}` },
      { path: `${c.fleetPath}/${CLUSTER_SYNC_FILE}`, owner: `cluster/${c.name}` },
    );
  }
  for (const n of namespaces) {
    const tenant = `tenants/${n.cluster}/${n.tenant}`;
    claims.folders.push(
      { path: `${opts.tenantsRoot}/${n.cluster}/${n.tenant}`, owner: tenant },
      { path: `${opts.tenantsRoot}/${n.cluster}/${n.tenant}/${n.name}`, owner: `${tenant}/${n.name}` },
    );
  }
  return claims;
}

const within = (owner: string, ancestor: string) => owner === ancestor || owner.startsWith(`${ancestor}/`);

/** Every path claimed by more than one owner (directly, or by lying in another owner's folder), sorted by path. */
export function findCollisions(claims: OwnershipClaims): OwnershipCollision[] {
  const byPath = new Map<string, { path: string; owners: Set<string> }>();
  for (const file of claims.files) {
    const key = normalizeFleetPath(file.path) ?? file.path;
    const entry = byPath.get(key) ?? { path: file.path, owners: new Set<string>() };
    entry.owners.add(file.owner);
    byPath.set(key, entry);
  }
  // Folder owners by key: a file's folders are its key's prefixes ending before a `/`, looked up rather than
  // compared with every folder (the check runs before every commit; files × folders grows with the fleet squared).
  const folders = new Map<string, string[]>();
  for (const f of claims.folders) {
    const key = normalizeFleetPath(f.path) ?? f.path;
    folders.set(key, [...(folders.get(key) ?? []), f.owner]);
  }
  const collisions: OwnershipCollision[] = [];
  for (const [key, entry] of byPath) {
    const owners = new Set(entry.owners);
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) {
      for (const folderOwner of folders.get(key.slice(0, slash)) ?? []) {
        for (const owner of entry.owners) if (!within(owner, folderOwner)) owners.add(folderOwner);
      }
    }
    if (owners.size > 1) collisions.push({ path: entry.path, owners: [...owners].sort() });
  }
  return collisions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The render invariant: throws OwnershipCollisionError naming every path with two owners. */
export function assertSingleOwners(claims: OwnershipClaims): void {
  const collisions = findCollisions(claims);
  if (collisions.length > 0) throw new OwnershipCollisionError(collisions);
}

/** The clusters an owner id speaks for (`cluster/a`, `tenants/a/...` → a; the tenants root → none). */
export function clusterOfOwner(owner: string): string | null {
  const [kind, cluster] = owner.split('/');
  return (kind === 'cluster' || kind === 'tenants') && cluster ? cluster : null;
}
