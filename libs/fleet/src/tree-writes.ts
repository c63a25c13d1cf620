import type { FleetTree } from '@berth/gitops';
import {
  CLUSTER_SYNC_FILE,
  clusterOfOwner,
  clusterTenantsDir,
  fleetClaims,
  findCollisions,
  namespaceDir,
  OwnershipCollisionError,
  renderClusterIndex,
  renderTenantOnboarding,
  tenantDir,
  type RenderOptions,
  type TenantSyncRepo,
} from '@berth/manifests';
import type { NamespaceWrite } from './plan';

export interface IndexContext {
  options: RenderOptions;
  syncRepos: Map<string, TenantSyncRepo | null>;
  /** Where each cluster's Flux Kustomization lives (its fleetPath), when not `clusters/<name>`. */
  clusterPaths: Map<string, string>;
}

/**
 * Applies a plan to the tree: namespace folders, then each touched tenant's folder (onboarding objects
 * and its kustomization, from the namespace folders that now exist) and each touched cluster's index.
 * Everything is written as desired content, so re-running it on a newer head is safe.
 */
export async function applyPlan(tree: FleetTree, writes: NamespaceWrite[], ctx: IndexContext): Promise<void> {
  const { options } = ctx;
  // Defence in depth: never write a cluster's files while another owner claims one of them.
  const touched = new Set(writes.map((w) => w.cluster));
  const all = [...ctx.clusterPaths].map(([name, fleetPath]) => ({ name, fleetPath }));
  const mine = findCollisions(fleetClaims(options, all)).filter((c) => c.owners.some((o) => touched.has(clusterOfOwner(o) ?? '')));
  if (mine.length > 0) throw new OwnershipCollisionError(mine);
  const tenants = new Map<string, { cluster: string; tenant: string }>();
  for (const write of writes) {
    const dir = namespaceDir(options, write.cluster, write.tenant, write.name);
    await tree.removeDir(dir);
    for (const [file, content] of Object.entries(write.files ?? {})) await tree.write(`${dir}/${file}`, content);
    tenants.set(`${write.cluster}/${write.tenant}`, { cluster: write.cluster, tenant: write.tenant });
  }
  const clusters = new Set<string>();
  for (const { cluster, tenant } of tenants.values()) {
    await writeTenant(tree, cluster, tenant, ctx);
    clusters.add(cluster);
  }
  for (const cluster of clusters) await writeClusterIndex(tree, cluster, ctx);
}

export async function writeTenant(tree: FleetTree, cluster: string, tenant: string, ctx: IndexContext): Promise<void> {
  const dir = tenantDir(ctx.options, cluster, tenant);
  const namespaces = await tree.listDirs(dir);
  if (namespaces.length === 0) {
    await tree.removeDir(dir);
    return;
  }
  const files = renderTenantOnboarding({ name: tenant, cluster, namespaces, syncRepo: ctx.syncRepos.get(tenant) ?? null }, ctx.options);
  for (const [file, content] of Object.entries(files)) await tree.write(`${dir}/${file}`, content);
}

export async function writeClusterIndex(tree: FleetTree, cluster: string, ctx: IndexContext): Promise<void> {
  const tenants = await tree.listDirs(clusterTenantsDir(ctx.options, cluster));
  const files = renderClusterIndex(cluster, tenants, ctx.options);
  for (const [file, content] of Object.entries(files)) await tree.write(relocate(file, cluster, ctx), content);
}

/** The cluster's Flux Kustomization goes to its fleetPath (default clusters/<name>). */
export function relocate(file: string, cluster: string, ctx: IndexContext): string {
  const fleetPath = ctx.clusterPaths.get(cluster);
  return fleetPath && file.endsWith(`/${CLUSTER_SYNC_FILE}`) && file.startsWith(`${ctx.options.clustersRoot}/`) ? `${fleetPath}/${CLUSTER_SYNC_FILE}` : file;
}

/** Tenant and namespace folders present in the tree under each cluster's tenants folder. */
export async function ownedDirs(tree: FleetTree, options: RenderOptions): Promise<string[]> {
  const found: string[] = [];
  for (const cluster of await tree.listDirs(options.tenantsRoot)) {
    const clusterDir = clusterTenantsDir(options, cluster);
    for (const tenant of await tree.listDirs(clusterDir)) {
      const dir = `${clusterDir}/${tenant}`;
      found.push(dir);
      for (const ns of await tree.listDirs(dir)) found.push(`${dir}/${ns}`);
    }
  }
  return found;
}
