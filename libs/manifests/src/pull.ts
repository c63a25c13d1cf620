import { namespaceObjects } from './namespace';
import { TENANT_RECONCILER_BINDING, tenantOnboardingObjects } from './tenant';
import type { NamespaceSpec, RenderOptions, TenantSyncRepo } from './types';
import { toYamlStream } from './yaml';

/**
 * Pull mode (Flux Operator ResourceSetInputProvider `ExternalService`): each input carries the objects push mode
 * writes to the fleet repository, rendered by the same functions, and the ResourceSet only prints them. So both
 * modes apply the same objects (labels the status reader selects, hash-named RoleBindings, onboarding) and a
 * change to the renderer reaches both.
 */
export type KubeObjectJson = Record<string, unknown>;

/**
 * The ResourceSet `resourcesTemplate`: one YAML document per object of the input. Flux Operator executes it with
 * Go text/template, delimiters `<<` `>>`, `inputs` a function returning the input and `toYaml` marshalling with
 * sigs.k8s.io/yaml (flux-operator internal/builder/resourceset.go newTemplate), then reads the multi-document
 * result with ssautil.ReadObjects. Objects that several inputs share are deduplicated by group/kind/namespace/name.
 */
export const PULL_RESOURCES_TEMPLATE = `<<- range $object := inputs.objects >>
---
<< toYaml $object >>
<<- end >>
`;

/**
 * A namespace's objects: what renderNamespace writes to its folder, plus the binding of the tenant's Flux service
 * account in it (push mode writes that one in the tenant's tenant.yaml; here it goes with the namespace it lives
 * in, so it is applied and pruned with it, even when the tenant's onboarding input is in another shard).
 */
export function pullNamespaceObjects(spec: NamespaceSpec, options: Partial<RenderOptions> = {}): KubeObjectJson[] {
  const reconciler = tenantOnboardingObjects({ name: spec.tenant, cluster: spec.cluster, namespaces: [spec.name], syncRepo: null }, options).filter(
    (o) => o.kind === 'RoleBinding' && (o.metadata as { name?: string }).name === TENANT_RECONCILER_BINDING,
  );
  return [...namespaceObjects(spec, options), ...reconciler].map(canonical);
}

/**
 * A tenant's onboarding on one cluster: its home namespace, Flux service account and, with an app repository, the
 * GitRepository and Kustomization (tenant.yaml without the per-namespace bindings, see pullNamespaceObjects).
 */
export function pullOnboardingObjects(
  tenant: { name: string; cluster: string; syncRepo: TenantSyncRepo | null },
  options: Partial<RenderOptions> = {},
): KubeObjectJson[] {
  return tenantOnboardingObjects({ ...tenant, namespaces: [] }, options).map(canonical);
}

/** Keys sorted at every level (arrays keep their order): equal state gives byte-identical JSON. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonical) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)])) as T;
}

export interface PullSetupOptions {
  cluster: string;
  /** Berth's base URL, e.g. `https://berth.example.com`. */
  baseUrl: string;
  /** Secret in flux-system with the cluster key: `token` (Bearer) or `username` + `password` (Basic). */
  secretName?: string;
  /** One provider + ResourceSet per shard (`?shards=N&shard=i`). */
  shards?: number;
  /** The provider's `filter.limit` (Flux Operator's default is 100): at least BERTH_FLUX_INPUTS_PAGE_SIZE. */
  limit?: number;
}

/** Where the pull-mode Flux Operator objects live on a cluster. */
export const PULL_NAMESPACE = 'flux-system';

/** The provider and ResourceSet of shard `shard` of `shards`: `berth`, or `berth-<shard>` when sharded. */
export function pullResourceSetName(shard: number, shards: number): string {
  return shards === 1 ? 'berth' : `berth-${shard}`;
}

/** Every ResourceSet of a pull-mode cluster with `shards` shards. */
export function pullResourceSetNames(shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => pullResourceSetName(shard, shards));
}

/**
 * The shard of an input (a namespace's or tenant's uuid): its first 32 bits modulo `shards`, the partition
 * GET /v1/flux/inputs applies (flux-inputs.repository.ts), so the status reader asks the ResourceSet that
 * actually serves a namespace.
 */
export function pullShardOf(id: string, shards: number): number {
  return shards <= 1 ? 0 : Number(BigInt(`0x${id.replace(/-/g, '').slice(0, 8)}`) % BigInt(shards));
}

/** The Flux Operator objects of a pull-mode cluster, as documented in the README (in flux-system). */
export function pullModeSetup(opts: PullSetupOptions): string {
  const shards = opts.shards ?? 1;
  const docs: KubeObjectJson[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const name = pullResourceSetName(shard, shards);
    const query = new URLSearchParams({ cluster: opts.cluster, ...(shards > 1 ? { shards: String(shards), shard: String(shard) } : {}) });
    docs.push({
      apiVersion: 'fluxcd.controlplane.io/v1',
      kind: 'ResourceSetInputProvider',
      metadata: { name, namespace: PULL_NAMESPACE, annotations: { 'fluxcd.controlplane.io/reconcileEvery': '1m' } },
      spec: {
        type: 'ExternalService',
        url: `${opts.baseUrl.replace(/\/+$/, '')}/v1/flux/inputs?${query.toString()}`,
        secretRef: { name: opts.secretName ?? 'berth-cluster-key' },
        filter: { limit: opts.limit ?? 100 },
      },
    });
    docs.push({
      apiVersion: 'fluxcd.controlplane.io/v1',
      kind: 'ResourceSet',
      metadata: { name, namespace: PULL_NAMESPACE },
      spec: {
        inputsFrom: [{ apiVersion: 'fluxcd.controlplane.io/v1', kind: 'ResourceSetInputProvider', name }],
        resourcesTemplate: PULL_RESOURCES_TEMPLATE,
      },
    });
  }
  return toYamlStream(docs);
}
