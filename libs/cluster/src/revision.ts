/**
 * Flux source revisions: `main@sha1:<sha>` (Flux ≥ 2.0), `sha1:<sha>`, legacy `main/<sha>`, or a bare SHA.
 * Returns the lowercase commit SHA, or null when the string carries none.
 */
export function shaOfRevision(revision: string | null | undefined): string | null {
  if (!revision) return null;
  const match = /(?:^|@|\/|:)([0-9a-f]{40}|[0-9a-f]{64})$/i.exec(revision.trim());
  return match ? match[1].toLowerCase() : null;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** What Berth needs from the Flux Kustomization `berth-tenants`. */
export interface KustomizationStatus {
  /** The Ready condition; null when Flux has not reported one yet. */
  ready: { status: ConditionStatus; reason: string | null; message: string | null } | null;
  /** Last revision applied successfully (`status.lastAppliedRevision`). */
  lastAppliedRevision: string | null;
  /** Last revision Flux tried (`status.lastAttemptedRevision`): the failing one when Ready=False. */
  lastAttemptedRevision: string | null;
  /** Flux has seen the current spec (`status.observedGeneration === metadata.generation`). */
  observedCurrentGeneration: boolean;
}

interface RawCondition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Reads the status of a kustomize.toolkit.fluxcd.io/v1 Kustomization object (untrusted JSON). */
export function parseKustomizationStatus(object: unknown): KustomizationStatus {
  const o = (object ?? {}) as {
    metadata?: { generation?: unknown };
    status?: { conditions?: unknown; lastAppliedRevision?: unknown; lastAttemptedRevision?: unknown; observedGeneration?: unknown };
  };
  const status = o.status ?? {};
  const conditions = Array.isArray(status.conditions) ? (status.conditions as RawCondition[]) : [];
  const ready = conditions.find((c) => c?.type === 'Ready');
  const readyStatus = ready && ['True', 'False', 'Unknown'].includes(String(ready.status)) ? (String(ready.status) as ConditionStatus) : null;
  return {
    ready: readyStatus ? { status: readyStatus, reason: str(ready!.reason), message: str(ready!.message) } : null,
    lastAppliedRevision: str(status.lastAppliedRevision),
    lastAttemptedRevision: str(status.lastAttemptedRevision),
    observedCurrentGeneration: o.metadata?.generation === undefined || status.observedGeneration === o.metadata.generation,
  };
}
