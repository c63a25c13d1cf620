import type { ConditionStatus } from './revision';

/** What Berth needs from a Flux Operator ResourceSet (fluxcd.controlplane.io/v1, pull mode). */
export interface ResourceSetStatus {
  name: string;
  /**
   * The Ready condition; null when Flux Operator has not reported one yet. Flux Operator sets it Unknown
   * (Progressing, "Reconciliation in progress") when a reconcile starts, False with ReconciliationFailed
   * ("reconciliation failed: …"), BuildFailed or DependencyNotReady when it fails, True at the end of a
   * successful apply (internal/controller/resourceset_controller.go).
   */
  ready: { status: ConditionStatus; reason: string | null; message: string | null } | null;
  /** The Ready condition is about the current spec (its observedGeneration is metadata.generation). */
  observedCurrentGeneration: boolean;
  /** `status.lastAppliedRevision`: sha256 digest of the objects of the last successful apply. */
  lastAppliedRevision: string | null;
  /**
   * Names of the Namespaces in `status.inventory.entries` (ids `<namespace>_<name>_<group>_<kind>`, a Namespace is
   * `_<name>__Namespace`); null when the ResourceSet has no inventory.
   */
  inventoryNamespaces: Set<string> | null;
}

interface RawCondition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
  observedGeneration?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const NAMESPACE_ENTRY = /^_([^_]+)__Namespace$/;

/** Reads the status of a ResourceSet object (untrusted JSON). */
export function parseResourceSetStatus(name: string, object: unknown): ResourceSetStatus {
  const o = (object ?? {}) as {
    metadata?: { generation?: unknown };
    status?: { conditions?: unknown; lastAppliedRevision?: unknown; inventory?: { entries?: unknown } | null };
  };
  const status = o.status ?? {};
  const conditions = Array.isArray(status.conditions) ? (status.conditions as RawCondition[]) : [];
  const ready = conditions.find((c) => c?.type === 'Ready');
  const readyStatus = ready && ['True', 'False', 'Unknown'].includes(String(ready.status)) ? (String(ready.status) as ConditionStatus) : null;
  const generation = o.metadata?.generation;
  const entries = status.inventory && Array.isArray(status.inventory.entries) ? (status.inventory.entries as Array<{ id?: unknown }>) : null;
  return {
    name,
    ready: readyStatus ? { status: readyStatus, reason: str(ready!.reason), message: str(ready!.message) } : null,
    observedCurrentGeneration: generation === undefined || ready?.observedGeneration === undefined || ready.observedGeneration === generation,
    lastAppliedRevision: str(status.lastAppliedRevision),
    inventoryNamespaces: entries
      ? new Set(entries.map((e) => NAMESPACE_ENTRY.exec(typeof e?.id === 'string' ? e.id : '')?.[1]).filter((n): n is string => !!n))
      : null,
  };
}
