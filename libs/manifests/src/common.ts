import { createHash } from 'node:crypto';
import { ManifestValidationError } from './errors';
import { toYamlDocument } from './yaml';

export const MANAGED_BY_LABEL = 'berth.dev/managed-by';
export const TENANT_LABEL = 'berth.dev/tenant';
export const FLUX_TENANT_LABEL = 'toolkit.fluxcd.io/tenant';
export const REQUEST_ID_ANNOTATION = 'berth.dev/request-id';
export const EXPIRES_AT_ANNOTATION = 'berth.dev/expires-at';
export const PROTECTED_LABEL = 'berth.dev/protected';
/** kustomize-controller skips garbage collection of objects carrying it (its `prune: disabled` rule). */
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';
/** Flux Operator's ResourceSet skips garbage collection of objects carrying it (`fluxcd.controlplane.io/prune: disabled`). */
export const RESOURCESET_PRUNE_ANNOTATION = 'fluxcd.controlplane.io/prune';
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** Label/annotation prefixes a user map may not set: Berth's, Flux's, Kubernetes' own (incl. pod security). */
export const RESERVED_PREFIXES = ['berth.dev', 'fluxcd.io', 'kubernetes.io', 'k8s.io'] as const;

/** Labels on every object Berth writes. */
export function managedLabels(tenant: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: 'berth', [TENANT_LABEL]: tenant };
}

/** First `length` hex characters of sha256(parts joined by NUL): stable, name-safe identifier for free text. */
export function shortHash(parts: readonly string[], length = 10): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, length);
}

export function objectRef(kind: string, name: string, namespace?: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/**
 * A kustomize.config.k8s.io Kustomization listing exactly `resources` (files or sub-folders), sorted.
 * Entries are checked to be plain relative names so a kustomization can never reach outside its folder.
 */
export function kustomizationFile(resources: readonly string[]): string {
  const sorted = [...new Set(resources)].sort();
  for (const r of sorted) {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(r) || r.includes('..')) {
      throw new ManifestValidationError('Kustomization kustomization.yaml', 'resources', `invalid entry ${JSON.stringify(r)}`);
    }
  }
  return toYamlDocument({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: sorted,
  });
}

/** Sorted copy of a file map (stable `Object.keys` order for callers that iterate). */
export function sortedFiles(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
