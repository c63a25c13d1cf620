import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { MANAGED_BY_LABEL, kustomizationFile, objectRef, sortedFiles } from './common';
import { ManifestValidationError } from './errors';
import { resolveRenderOptions } from './options';
import { clusterDir, clusterTenantsDir } from './paths';
import type { RenderedFiles, RenderOptions } from './types';
import { protectionPolicy, tenantsReconcilerRbac } from './cluster-access';
import { assertDnsLabel, validateModel, type Validatable } from './validation';
import { toYamlStream } from './yaml';

export const CLUSTER_SYNC_NAME = 'berth-tenants';
export const CLUSTER_SYNC_FILE = `${CLUSTER_SYNC_NAME}.yaml`;
export const CLUSTER_SYNC_INTERVAL = '10m';

/**
 * Renders the two per-cluster files. Unlike the other renderers, keys are repo-relative paths because the files
 * live in two folders: `tenants/<cluster>/kustomization.yaml` (one folder per tenant, sorted) and
 * `clusters/<cluster>/berth-tenants.yaml` (Flux Kustomization reconciling `./tenants/<cluster>` from the
 * cluster's bootstrap GitRepository `flux-system`, as the kustomize-controller itself: tenants are
 * sandboxed one level down, by their own service accounts).
 */
export function renderClusterIndex(cluster: string, tenantNames: readonly string[], options: Partial<RenderOptions> = {}): RenderedFiles {
  const opts = resolveRenderOptions(options);
  const ref = objectRef('Kustomization', CLUSTER_SYNC_NAME, opts.fluxNamespace);
  assertDnsLabel(cluster, ref, 'cluster');
  if (!Array.isArray(tenantNames)) throw new ManifestValidationError(ref, 'tenantNames', 'must be an array');
  tenantNames.forEach((t, i) => assertDnsLabel(t, `Cluster ${cluster}`, `tenantNames[${i}]`));

  const tenantsDir = clusterTenantsDir(opts, cluster);
  const sa = opts.tenantsServiceAccount;
  const dependsOn = [...new Set(opts.tenantsDependsOn)].sort();
  const sync = new Kustomization({
    metadata: { name: CLUSTER_SYNC_NAME, namespace: opts.fluxNamespace, labels: { [MANAGED_BY_LABEL]: 'berth' } },
    spec: {
      interval: CLUSTER_SYNC_INTERVAL,
      path: `./${tenantsDir}`,
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      ...(sa ? { serviceAccountName: sa } : {}),
      ...(dependsOn.length ? { dependsOn: dependsOn.map((name) => ({ name })) } : {}),
    },
  });
  // One file, applied by the cluster's bootstrap Kustomization: the RBAC and the admission policy berth-tenants
  // relies on must come from an identity above it.
  const objects: Validatable[] = [...(sa ? tenantsReconcilerRbac(opts, sa) : []), ...(opts.protectionPolicy ? protectionPolicy(opts, sa) : []), sync];
  for (const o of objects) {
    const m = o as Validatable & { kind: string; metadata: { name: string; namespace?: string } };
    validateModel(o, objectRef(m.kind, m.metadata.name, m.metadata.namespace));
  }
  return sortedFiles({
    [`${tenantsDir}/kustomization.yaml`]: kustomizationFile(tenantNames),
    [`${clusterDir(opts, cluster)}/${CLUSTER_SYNC_FILE}`]: toYamlStream(objects.map((o) => o.toJSON())),
  });
}
