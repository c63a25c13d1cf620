import {
  CLUSTER_SYNC_FILE,
  clusterOfOwner,
  clusterTenantsDir,
  fleetClaims,
  findCollisions,
  namespaceDir,
  NamespaceSpec,
  renderClusterIndex,
  renderNamespace,
  renderTenantOnboarding,
  RenderOptions,
  resolveRenderOptions,
  tenantDir,
  TenantSyncRepo,
  OwnershipCollisionError,
  type OwnershipCollision,
} from '@berth/manifests';
import type { FleetConfig } from '@berth/config';
import type { FleetTree } from '../tree';
import type { LiveNamespace, PendingRequest } from './fleet-writer.repository';

/**
 * Prefix of `lastError` on a namespace Flux failed to apply (set by the status reconciler). Such a
 * namespace is in the repository and stays there; one the writer itself could not render is left out.
 */
export const FLUX_ERROR_PREFIX = 'Flux: ';

/** One namespace folder to write (rendered files) or to remove (null). */
export interface NamespaceWrite {
  cluster: string;
  tenant: string;
  name: string;
  files: Record<string, string> | null;
}

export interface Plan {
  writes: NamespaceWrite[];
  /** Requests whose change is in this plan. */
  requestIds: string[];
  /** Namespace versions rendered, to mark Committed only if nothing changed since. */
  rendered: Array<{ id: string; version: number; deleting: boolean; ref: string }>;
  /** Requests that can never be committed, with the reason (they never block the others). */
  failed: Array<{ requestId: string; namespaceId?: string; reason: string }>;
}

/** Render options from the fleet configuration: one place, so push mode and pull mode render alike. */
export function renderOptionsOf(fleet: FleetConfig): RenderOptions {
  const root = fleet.root;
  return resolveRenderOptions({
    podSecurityEnforce: fleet.podSecurityEnforce,
    ingressNamespace: fleet.ingressNamespace,
    tenantsRoot: root ? `${root}/tenants` : 'tenants',
    clustersRoot: root ? `${root}/clusters` : 'clusters',
    tenantsServiceAccount: fleet.tenantsServiceAccount,
    tenantsDependsOn: fleet.tenantsDependsOn,
    bindableRoles: fleet.bindableRoles,
    protectionPolicy: fleet.admissionPolicy,
  });
}

/** The renderer's input for one namespace row. */
export function namespaceSpecOf(ns: LiveNamespace): NamespaceSpec {
  const spec = ns.spec as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    access?: NamespaceSpec['access'];
    networkPolicy?: NamespaceSpec['networkPolicy'];
    protected?: boolean;
  };
  return {
    tenant: ns.tenant.name,
    name: ns.name,
    cluster: ns.cluster,
    requestId: ns.requestId,
    resources: ns.resources as Record<string, string>,
    limitRange: (ns.limitRange as NamespaceSpec['limitRange']) ?? null,
    labels: spec.labels ?? {},
    annotations: spec.annotations ?? {},
    access: spec.access ?? [],
    networkPolicy: spec.networkPolicy ?? 'isolated',
    expiresAt: ns.expiresAt ? ns.expiresAt.toISOString() : null,
    protected: spec.protected === true,
  };
}

/**
 * The render invariant "no file has two owners", over every cluster's files: the paths claimed twice, and
 * for each cluster involved the reason its changes cannot be rendered (checked before every commit).
 */
export function ownershipCollisions(
  options: RenderOptions,
  clusters: ReadonlyArray<{ name: string; fleetPath: string }>,
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

/**
 * Renders what a batch of requests changes. Each namespace renders (and validates) on its own, so one
 * that cannot be rendered fails alone and the rest of the batch still lands. A request on a cluster in
 * `blocked` (its files would have two owners) fails with that reason instead of being rendered.
 */
export function planBatch(
  requests: PendingRequest[],
  namespaces: LiveNamespace[],
  options: RenderOptions,
  blocked: ReadonlyMap<string, string> = new Map(),
): Plan {
  const byRef = new Map(namespaces.map((n) => [`${n.cluster}/${n.name}`, n]));
  const plan: Plan = { writes: [], requestIds: [], rendered: [], failed: [] };
  const planned = new Set<string>();
  for (const request of requests) {
    const ref = `${request.cluster}/${request.namespace}`;
    const ns = byRef.get(ref);
    if (planned.has(ref)) {
      plan.requestIds.push(request.id);
      continue;
    }
    try {
      const collision = blocked.get(request.cluster);
      if (collision) throw new Error(collision);
      if (!ns || ns.state === 'Deleting') {
        plan.writes.push({ cluster: request.cluster, tenant: request.tenant.name, name: request.namespace, files: null });
        if (ns) plan.rendered.push({ id: ns.id, version: ns.version, deleting: true, ref });
      } else if (ns.state === 'Failed' && ns.requestId !== request.id) {
        throw new Error(`namespace ${ns.name} is Failed (${ns.lastError ?? 'unknown'}); approve a change to fix it`);
      } else {
        plan.writes.push({ cluster: ns.cluster, tenant: ns.tenant.name, name: ns.name, files: renderNamespace(namespaceSpecOf(ns), options) });
        plan.rendered.push({ id: ns.id, version: ns.version, deleting: false, ref });
      }
      planned.add(ref);
      plan.requestIds.push(request.id);
    } catch (error) {
      plan.failed.push({ requestId: request.id, namespaceId: ns?.id, reason: (error as Error).message });
    }
  }
  return plan;
}

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

/** The paths Berth may touch: the tenants tree and each cluster's Flux Kustomization file. */
export function ownedPaths(options: RenderOptions, clusters: Array<{ name: string; fleetPath: string }>): string[] {
  return [
    `${options.tenantsRoot}/`,
    ...clusters.map((c) => `${c.fleetPath}/${CLUSTER_SYNC_FILE}`),
    ...clusters.map((c) => `${options.clustersRoot}/${c.name}/${CLUSTER_SYNC_FILE}`),
  ];
}
