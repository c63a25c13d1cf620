import type { TenantSyncRepo } from './types';
import { isDnsLabel } from './validation';

// A relative folder: letters, digits, '.', '_', '-' and '/' only (no '\', no spaces, no control characters).
const PATH_CHARS = /^[A-Za-z0-9._/-]*$/;
export const MAX_SYNC_PATH_LENGTH = 300;

/**
 * The Flux Kustomization `spec.path` for a folder of a tenant's repository, or null when it is not one:
 * `deploy/prod`, `./deploy/prod/`, `/deploy//prod` → `./deploy/prod`; `''`, `.`, `./` → `./` (the repository
 * root, as Flux reads an unset path). `..` segments are refused (kustomize-controller would refuse a path that
 * leaves the source's root anyway). The API validates with this same function, so what it stores renders.
 */
export function syncRepoFluxPath(path: unknown): string | null {
  if (typeof path !== 'string' || path.length > MAX_SYNC_PATH_LENGTH || !PATH_CHARS.test(path)) return null;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return null;
  return `./${parts.join('/')}`;
}

/** The folder to reconcile on `cluster`: the per-cluster path when set (flux2-multi-tenancy patches it per environment). */
export function syncRepoPathFor(repo: TenantSyncRepo, cluster: string): string {
  return repo.paths?.[cluster] ?? repo.path;
}

/** Per-cluster paths: cluster names (DNS labels) to folders `syncRepoFluxPath` accepts. */
export function isSyncRepoPathMap(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length <= 200 && entries.every(([cluster, path]) => isDnsLabel(cluster) && syncRepoFluxPath(path) !== null);
}
