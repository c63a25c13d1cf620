import { ManifestValidationError } from './errors';
import type { RenderOptions } from './types';
import { isDnsLabel } from './validation';

/**
 * Fleet-repository paths. Every segment must be a DNS-1123 label, so a path can never contain `..`, `/`,
 * upper case or anything else that could escape the tree or collide on a case-insensitive file system.
 */
function segment(value: unknown, what: string): string {
  if (!isDnsLabel(value)) {
    throw new ManifestValidationError('path', what, `must be a DNS-1123 label, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A configured root such as `tenants` or `fleet/tenants`: one or more DNS-label segments. */
function root(value: unknown, what: string): string {
  if (typeof value !== 'string') return segment(value, what);
  value.split('/').forEach((s) => segment(s, what));
  return value;
}

/** `tenants/<cluster>` — the folder the cluster's `berth-tenants` Flux Kustomization reconciles. */
export function clusterTenantsDir(opts: Pick<RenderOptions, 'tenantsRoot'>, cluster: string): string {
  return `${root(opts.tenantsRoot, 'tenantsRoot')}/${segment(cluster, 'cluster')}`;
}

/** `tenants/<cluster>/<tenant>` — onboarding objects plus one folder per namespace. */
export function tenantDir(opts: Pick<RenderOptions, 'tenantsRoot'>, cluster: string, tenant: string): string {
  return `${clusterTenantsDir(opts, cluster)}/${segment(tenant, 'tenant')}`;
}

/** `tenants/<cluster>/<tenant>/<namespace>` — the files of renderNamespace. */
export function namespaceDir(opts: Pick<RenderOptions, 'tenantsRoot'>, cluster: string, tenant: string, namespace: string): string {
  return `${tenantDir(opts, cluster, tenant)}/${segment(namespace, 'namespace')}`;
}

/** `clusters/<cluster>` — Flux's bootstrap path of the cluster (holds `berth-tenants.yaml`). */
export function clusterDir(opts: Pick<RenderOptions, 'clustersRoot'>, cluster: string): string {
  return `${root(opts.clustersRoot, 'clustersRoot')}/${segment(cluster, 'cluster')}`;
}
