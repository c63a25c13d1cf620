import { ConflictError } from '@berth/common';
import { CLUSTER_SYNC_FILE, clusterOfOwner, fleetClaims, findCollisions, type OwnershipCollision, type RenderOptions } from '@berth/manifests';

/** A cluster as the writer renders it: its name and where its Flux Kustomization lives. */
export type ClusterPath = { name: string; fleetPath: string };

/**
 * The render invariant "no file has two owners", over every cluster's files: the paths claimed twice, and
 * for each cluster involved the reason its changes cannot be rendered (checked before every commit).
 */
export function ownershipCollisions(
  options: RenderOptions,
  clusters: ReadonlyArray<ClusterPath>,
): { collisions: OwnershipCollision[]; blocked: Map<string, string> } {
  const collisions = findCollisions(fleetClaims(options, clusters));
  const blocked = new Map<string, string>();
  for (const collision of collisions) {
    const reason = `refusing to render files with two owners: ${collision.path} (${collision.owners.join(', ')}); give each cluster its own fleetPath`;
    for (const owner of collision.owners) {
      const cluster = clusterOfOwner(owner);
      if (cluster && !blocked.has(cluster)) blocked.set(cluster, reason);
    }
  }
  return { collisions, blocked };
}

/** Reconcile rewrites every owned path: with a file of two owners it would pick one at random, so it refuses (409). */
export function assertNoCollisions(options: RenderOptions, clusters: ReadonlyArray<ClusterPath>): void {
  const { collisions } = ownershipCollisions(options, clusters);
  if (collisions.length === 0) return;
  throw new ConflictError(
    `Refusing to reconcile: ${collisions.length} file(s) would have two owners; give each cluster its own fleetPath`,
    collisions.map((c) => ({ code: 'fleet-ownership-collision', message: `${c.path} is claimed by ${c.owners.join(', ')}`, path: c.path, owners: c.owners })),
  );
}

/** The paths Berth may touch: the tenants tree and each cluster's Flux Kustomization file. */
export function ownedPaths(options: RenderOptions, clusters: ReadonlyArray<ClusterPath>): string[] {
  return [
    `${options.tenantsRoot}/`,
    ...clusters.map((c) => `${c.fleetPath}/${CLUSTER_SYNC_FILE}`),
    ...clusters.map((c) => `${options.clustersRoot}/${c.name}/${CLUSTER_SYNC_FILE}`),
  ];
}
