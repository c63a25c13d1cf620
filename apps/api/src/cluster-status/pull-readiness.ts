import type { PullObservation, ResourceSetStatus } from '@berth/cluster';
import { pullResourceSetName, pullShardOf } from '@berth/manifests';

/** Ready=False reasons of a ResourceSet that say "not yet", not "this apply is broken" (flux-operator, fluxcd/pkg meta). */
const TRANSIENT_REASONS = new Set(['Progressing', 'DependencyNotReady', 'ReconciliationInProgress']);
/** Flux Operator's terminal build failure (template or inputs): nothing of the ResourceSet is applied. */
const BUILD_FAILED = 'BuildFailed';

export interface AwaitingNamespace {
  id: string;
  name: string;
  state: string;
  commitSha: string | null;
  requestId: string;
}

export interface PullVerdict {
  toReady: Array<{ id: string; commitSha: string }>;
  toFail: Array<{ id: string; commitSha: string; reason: string }>;
  cluster: { ready: boolean | null; revision: string | null; message: string | null };
}

/**
 * Pull-mode readiness (Flux Operator ResourceSet, one per shard: the namespace's id picks it as GET
 * /v1/flux/inputs does). A namespace is Ready when
 * - its ResourceSet is Ready=True for its current spec (Flux Operator sets Ready=True only at the end of a
 *   successful apply, and Unknown when one starts),
 * - its Namespace is in the ResourceSet's inventory (the ResourceSet owns and garbage-collects it; a missing
 *   inventory is not held against it), and
 * - the Namespace on the cluster carries `berth.dev/request-id` = the request of the namespace's *current*
 *   desired state. Every approved change sets a new request id, and the ResourceSet applies a namespace's objects
 *   in one reconcile, so an older applied state (the previous request's id) never makes a newer request Ready.
 *   (The ResourceSet's lastAppliedRevision is a digest of the whole rendered set after Flux Operator's own
 *   normalisation: Berth cannot compute it, so it is shown, not compared.)
 *
 * Failed (with the ResourceSet's reason and message) when the ResourceSet is Ready=False for a reason that is not
 * "not yet", the namespace's current state is not confirmed, and the failure concerns it: the message names the
 * namespace (server-side apply errors name `Kind/<namespace>/<name>`), or the ResourceSet could not be built
 * (BuildFailed: nothing is applied) and the current state is not on the cluster. A failure about other objects
 * leaves it Committed (the cluster's status shows the message). A later Ready heals a Failed namespace.
 */
export function pullVerdict(awaiting: AwaitingNamespace[], observed: PullObservation, shards: number): PullVerdict {
  const byName = new Map(observed.resourceSets.map((rs) => [rs.name, rs]));
  const verdict: PullVerdict = { toReady: [], toFail: [], cluster: clusterStatus(observed.resourceSets) };
  for (const ns of awaiting) {
    const rs = byName.get(pullResourceSetName(pullShardOf(ns.id, shards), shards));
    if (!rs || !ns.commitSha) continue;
    const applied = observed.appliedRequests.get(ns.name) === ns.requestId;
    const owned = rs.inventoryNamespaces === null || rs.inventoryNamespaces.has(ns.name);
    const ready = rs.ready?.status === 'True' && rs.observedCurrentGeneration;
    if (ready && applied && owned) {
      verdict.toReady.push({ id: ns.id, commitSha: ns.commitSha });
    } else if (ns.state === 'Committed' && failsNamespace(rs, ns.name, applied)) {
      verdict.toFail.push({ id: ns.id, commitSha: ns.commitSha, reason: [rs.ready!.reason, rs.ready!.message].filter(Boolean).join(': ') });
    }
  }
  return verdict;
}

function failsNamespace(rs: ResourceSetStatus, namespace: string, applied: boolean): boolean {
  if (rs.ready?.status !== 'False' || TRANSIENT_REASONS.has(rs.ready.reason ?? '')) return false;
  return names(rs.ready.message ?? '', namespace) || (rs.ready.reason === BUILD_FAILED && !applied);
}

/** The message names the namespace as a whole word (namespace names are DNS labels: [a-z0-9-]). */
function names(message: string, namespace: string): boolean {
  return new RegExp(`(?<![a-z0-9-])${namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9-])`).test(message);
}

/** The cluster's status: Ready when every ResourceSet is; the revision and messages of each (by name when sharded). */
function clusterStatus(sets: ResourceSetStatus[]): PullVerdict['cluster'] {
  const label = (rs: ResourceSetStatus, text: string) => (sets.length > 1 ? `${rs.name}: ${text}` : text);
  const statuses = sets.map((rs) => rs.ready?.status);
  const ready = statuses.some((s) => s === undefined) ? null : statuses.every((s) => s === 'True');
  const notReady = sets.filter((rs) => rs.ready?.status !== 'True');
  const shown = ready === true ? sets : notReady;
  const message = shown
    .map((rs) => label(rs, rs.ready ? (rs.ready.message ?? rs.ready.reason ?? '') : 'Flux Operator has not reported a Ready condition yet'))
    .join('; ');
  const revision = sets
    .filter((rs) => rs.lastAppliedRevision)
    .map((rs) => label(rs, rs.lastAppliedRevision!))
    .join('; ');
  return { ready, revision: revision || null, message: message || null };
}
