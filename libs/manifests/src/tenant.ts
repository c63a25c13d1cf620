import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { FLUX_TENANT_LABEL, POD_SECURITY_ENFORCE_LABEL, RBAC_API_GROUP, kustomizationFile, managedLabels, objectRef, shortHash, sortedFiles } from './common';
import { ManifestValidationError } from './errors';
import { resolveRenderOptions } from './options';
import { syncRepoFluxPath, syncRepoPathFor } from './sync-repo';
import type { RenderedFiles, RenderOptions, TenantSpec } from './types';
import { assertDnsLabel, assertDnsSubdomain, assertNonEmptyString, validateModel, type Validatable } from './validation';
import { toYamlStream } from './yaml';

export const TENANT_FILE = 'tenant.yaml';
/** ClusterRole the tenant's Flux service account gets in each tenant namespace. Never cluster-admin. */
export const TENANT_RECONCILER_ROLE = 'admin';
export const TENANT_RECONCILER_BINDING = 'berth-flux-reconciler';
export const TENANT_SOURCE_INTERVAL = '1m';
export const TENANT_SYNC_INTERVAL = '10m';

/**
 * The tenant's dedicated "home" namespace holding its Flux ServiceAccount, GitRepository and Kustomization:
 * `berth-tenant-<tenant>` (names over 63 characters keep a 40-character prefix plus a hash).
 *
 * Why not the tenant's first namespace (flux2-multi-tenancy's layout)? That choice moves when a namespace that
 * sorts earlier is added or the first one is deleted, and moving a Flux Kustomization with `prune: true` means
 * deleting it, which garbage-collects every object it applied: all the tenant's workloads. The home namespace
 * never moves, exists even when the tenant has no namespace yet, and the tenant has no rights in it (the
 * service account is bound only in the tenant namespaces), so tenant manifests that omit `metadata.namespace`
 * fail loudly instead of landing there. Policy must reserve the `berth-` prefix for namespace names.
 */
export function tenantHomeNamespace(tenant: string): string {
  const name = `berth-tenant-${tenant}`;
  return name.length <= 63 ? name : `berth-tenant-${tenant.slice(0, 38).replace(/-+$/, '')}-${shortHash([tenant])}`;
}

/** `flux-<tenant>`: the service account the tenant's Flux Kustomization impersonates. */
export function tenantServiceAccountName(tenant: string): string {
  return `flux-${tenant}`;
}

/**
 * Renders the folder `tenants/<cluster>/<tenant>/` (keys are file names relative to it, see `tenantDir`):
 * `tenant.yaml` (home Namespace, ServiceAccount, one RoleBinding to ClusterRole `admin` per tenant namespace,
 * and with `syncRepo` a GitRepository + Kustomization reconciled as that service account) and
 * `kustomization.yaml` listing `tenant.yaml` and one folder per namespace.
 */
export function renderTenantOnboarding(tenant: TenantSpec, options: Partial<RenderOptions> = {}): RenderedFiles {
  resolveRenderOptions(options); // validates them; the onboarding set does not depend on them
  const { objects, namespaces } = tenantModels(tenant);
  return sortedFiles({
    [TENANT_FILE]: toYamlStream(objects.map((o) => o.toJSON())),
    'kustomization.yaml': kustomizationFile([TENANT_FILE, ...namespaces]),
  });
}

/**
 * The objects of `tenant.yaml` as plain JSON, in the same order: home Namespace, ServiceAccount, one RoleBinding
 * per tenant namespace, GitRepository and Kustomization (for pull mode, see pull.ts).
 */
export function tenantOnboardingObjects(tenant: TenantSpec, options: Partial<RenderOptions> = {}): Array<Record<string, unknown>> {
  resolveRenderOptions(options);
  return tenantModels(tenant).objects.map((o) => o.toJSON() as Record<string, unknown>);
}

function tenantModels(tenant: TenantSpec): { objects: Validatable[]; namespaces: string[] } {
  const tRef = `Tenant ${String(tenant.name)}`;
  assertDnsLabel(tenant.name, tRef, 'name');
  assertDnsLabel(tenant.cluster, tRef, 'cluster');
  if (!Array.isArray(tenant.namespaces)) throw new ManifestValidationError(tRef, 'namespaces', 'must be an array');
  tenant.namespaces.forEach((ns, i) => assertDnsLabel(ns, tRef, `namespaces[${i}]`));
  const namespaces = [...new Set(tenant.namespaces)].sort();
  const home = tenantHomeNamespace(tenant.name);
  if (namespaces.includes(home)) {
    throw new ManifestValidationError(tRef, 'namespaces', `"${home}" is reserved for the tenant's Flux objects`);
  }
  const sa = tenantServiceAccountName(tenant.name);
  const labels = managedLabels(tenant.name);

  const objects: Array<[Validatable, string]> = [];
  const add = (obj: Validatable & { kind: string; metadata?: { name?: string; namespace?: string } }) =>
    objects.push([obj, objectRef(obj.kind, obj.metadata!.name!, obj.metadata!.namespace)]);

  add(
    new Namespace({
      metadata: {
        name: home,
        labels: { ...labels, [FLUX_TENANT_LABEL]: tenant.name, [POD_SECURITY_ENFORCE_LABEL]: 'restricted' },
      },
    }),
  );
  add(new ServiceAccount({ metadata: { name: sa, namespace: home, labels } }));
  for (const ns of namespaces) {
    add(
      new RoleBinding({
        metadata: { name: TENANT_RECONCILER_BINDING, namespace: ns, labels },
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: TENANT_RECONCILER_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: sa, namespace: home }],
      }),
    );
  }
  if (tenant.syncRepo) {
    const repo = tenant.syncRepo;
    const gitRef = objectRef('GitRepository', tenant.name, home);
    assertBranch(repo.branch, gitRef);
    assertNonEmptyString(repo.url, gitRef, 'spec.url');
    if (repo.secretRef != null) assertDnsSubdomain(repo.secretRef, gitRef, 'spec.secretRef.name');
    add(
      new GitRepository({
        metadata: { name: tenant.name, namespace: home, labels },
        spec: {
          interval: TENANT_SOURCE_INTERVAL,
          url: repo.url,
          ref: { branch: repo.branch },
          ...(repo.secretRef ? { secretRef: { name: repo.secretRef } } : {}),
        },
      }),
    );
    add(
      new Kustomization({
        metadata: { name: tenant.name, namespace: home, labels },
        spec: {
          interval: TENANT_SYNC_INTERVAL,
          path: fluxPath(syncRepoPathFor(repo, tenant.cluster), objectRef('Kustomization', tenant.name, home)),
          prune: true,
          serviceAccountName: sa,
          sourceRef: { kind: 'GitRepository', name: tenant.name },
        },
      }),
    );
  }
  for (const [obj, ref] of objects) validateModel(obj, ref);
  return { objects: objects.map(([o]) => o), namespaces };
}

// git check-ref-format, the parts that matter for a branch name in a manifest.
function assertBranch(branch: unknown, ref: string): void {
  assertNonEmptyString(branch, ref, 'spec.ref.branch');
  if (/[\s~^:?*[\\]|\.\.|@\{|^\/|\/$|\.lock$|^-/.test(branch)) {
    throw new ManifestValidationError(ref, 'spec.ref.branch', `is not a valid git branch name: ${JSON.stringify(branch)}`);
  }
}

/** See syncRepoFluxPath: the same rule the API validates with (`''` is the repository root). */
function fluxPath(path: unknown, ref: string): string {
  const normalized = syncRepoFluxPath(path);
  if (normalized === null) {
    throw new ManifestValidationError(ref, 'spec.path', `must be a folder inside the repository, got ${JSON.stringify(path)}`);
  }
  return normalized;
}
