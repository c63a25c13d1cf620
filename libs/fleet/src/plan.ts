import { namespaceSpecOf, renderNamespace, type RenderOptions } from '@berth/manifests';
import type { LiveNamespace, PendingRequest } from './fleet-writer.repository';

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
