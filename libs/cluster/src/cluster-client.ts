import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  RequestContext,
  ResponseContext,
  V1Namespace,
  V1ResourceQuota,
  Watch,
} from '@kubernetes/client-node';
import { REQUEST_ID_ANNOTATION } from '@berth/manifests';
import { toClusterError } from './errors';
import { ListWatchCache } from './list-watch';
import { ResourceSetStatus, parseResourceSetStatus } from './resource-set';
import { KustomizationStatus, parseKustomizationStatus } from './revision';

/** Where Berth's Flux Kustomization lives on every cluster (see libs/manifests `berth-tenants.yaml`). */
export const FLUX_KUSTOMIZATION = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  plural: 'kustomizations',
  namespace: 'flux-system',
  name: 'berth-tenants',
} as const;
/** Pull mode: Flux Operator's ResourceSets (names from libs/manifests pullResourceSetNames). */
export const FLUX_RESOURCESET = { group: 'fluxcd.controlplane.io', version: 'v1', plural: 'resourcesets', namespace: 'flux-system' } as const;
export const MANAGED_BY_SELECTOR = 'berth.dev/managed-by=berth';

export const QUOTA_NAME = 'berth-quota';

export interface ClusterClientOptions {
  /** Per-call timeout of GET and LIST requests. */
  timeoutMs?: number;
  /** Shortest server-side bound of one watch stream (each watch: between it and twice it, as client-go). */
  watchSeconds?: number;
  /** LIST page size (default 500, as client-go's pager). */
  pageSize?: number;
  /** Jitter source, [0, 1) (tests pin it). */
  random?: () => number;
  onWarning?: (message: string) => void;
}

/** One read of a cluster: Flux's view of Berth's Kustomization, the managed namespaces and their quota usage. */
export interface ClusterObservation {
  kustomization: KustomizationStatus;
  /** Names of the Namespaces labelled `berth.dev/managed-by=berth`. */
  namespaces: Set<string>;
  /** `status.used` of each namespace's ResourceQuota `berth-quota`, by namespace name. */
  quotaUsed: Map<string, Record<string, string>>;
}

/** One read of a pull-mode cluster: its ResourceSets, the managed Namespaces with their applied request, quota usage. */
export interface PullObservation {
  resourceSets: ResourceSetStatus[];
  /** Managed Namespaces present on the cluster → their `berth.dev/request-id` annotation (null: none). */
  appliedRequests: Map<string, string | null>;
  quotaUsed: Map<string, Record<string, string>>;
}

/**
 * Reads one cluster through @kubernetes/client-node. The Kustomization is one small object, fetched on
 * every read; Namespaces and ResourceQuotas are kept by a list+watch cache (one LIST, then a WATCH from
 * its resourceVersion), so a reconcile every few seconds costs no LIST on a healthy connection.
 * Every failure is a typed ClusterError (401, 403, 404, 410, timeout, unreachable).
 */
export class ClusterClient {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly timeoutMs: number;
  readonly namespaces: ListWatchCache<V1Namespace>;
  readonly quotas: ListWatchCache<V1ResourceQuota>;

  constructor(
    readonly cluster: string,
    kubeConfig: KubeConfig,
    options: ClusterClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const watchSeconds = options.watchSeconds ?? 300;
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const watch = new Watch(kubeConfig);
    const common = {
      cluster,
      watch,
      watchSeconds,
      timeoutMs: this.timeoutMs,
      onWarning: options.onWarning,
      pageSize: options.pageSize,
      random: options.random,
    };
    this.namespaces = new ListWatchCache<V1Namespace>({
      ...common,
      what: 'list namespaces',
      path: '/api/v1/namespaces',
      query: { labelSelector: MANAGED_BY_SELECTOR },
      list: (page) => this.core.listNamespace({ labelSelector: MANAGED_BY_SELECTOR, ...page }, this.withTimeout()),
    });
    const quotaSelector = `metadata.name=${QUOTA_NAME}`;
    this.quotas = new ListWatchCache<V1ResourceQuota>({
      ...common,
      what: 'list resourcequotas',
      path: '/api/v1/resourcequotas',
      query: { fieldSelector: quotaSelector },
      list: (page) => this.core.listResourceQuotaForAllNamespaces({ fieldSelector: quotaSelector, ...page }, this.withTimeout()),
    });
  }

  async kustomization(): Promise<KustomizationStatus> {
    const { group, version, plural, namespace, name } = FLUX_KUSTOMIZATION;
    try {
      const object: unknown = await this.custom.getNamespacedCustomObject({ group, version, namespace, plural, name }, this.withTimeout());
      return parseKustomizationStatus(object);
    } catch (error) {
      throw toClusterError(error, this.cluster, `get kustomization ${namespace}/${name}`, this.timeoutMs);
    }
  }

  async resourceSet(name: string): Promise<ResourceSetStatus> {
    const { group, version, plural, namespace } = FLUX_RESOURCESET;
    try {
      const object: unknown = await this.custom.getNamespacedCustomObject({ group, version, namespace, plural, name }, this.withTimeout());
      return parseResourceSetStatus(name, object);
    } catch (error) {
      throw toClusterError(error, this.cluster, `get resourceset ${namespace}/${name}`, this.timeoutMs);
    }
  }

  /** Managed Namespaces on the cluster and the request each one's applied state came from. */
  async appliedRequests(): Promise<Map<string, string | null>> {
    const applied = new Map<string, string | null>();
    for (const n of await this.namespaces.snapshot()) {
      if (n.metadata?.name) applied.set(n.metadata.name, n.metadata.annotations?.[REQUEST_ID_ANNOTATION] ?? null);
    }
    return applied;
  }

  async managedNamespaces(): Promise<Set<string>> {
    return new Set((await this.namespaces.snapshot()).map((n) => n.metadata?.name ?? '').filter(Boolean));
  }

  async quotaUsed(): Promise<Map<string, Record<string, string>>> {
    const used = new Map<string, Record<string, string>>();
    for (const quota of await this.quotas.snapshot()) {
      if (quota.metadata?.name !== QUOTA_NAME || !quota.metadata.namespace) continue;
      used.set(quota.metadata.namespace, { ...(quota.status?.used ?? {}) });
    }
    return used;
  }

  async observe(): Promise<ClusterObservation> {
    const kustomization = await this.kustomization();
    const [namespaces, quotaUsed] = await Promise.all([this.managedNamespaces(), this.quotaUsed()]);
    return { kustomization, namespaces, quotaUsed };
  }

  /**
   * Pull mode. The Namespaces are read before the ResourceSets: Flux Operator marks a ResourceSet Ready=Unknown
   * before it applies anything, so a Ready=True read after a Namespace was seen comes from an apply that finished
   * after that Namespace was written (a Ready read first could predate an apply that is about to fail).
   */
  async observePull(resourceSets: string[]): Promise<PullObservation> {
    const [appliedRequests, quotaUsed] = await Promise.all([this.appliedRequests(), this.quotaUsed()]);
    const sets = await Promise.all(resourceSets.map((name) => this.resourceSet(name)));
    return { resourceSets: sets, appliedRequests, quotaUsed };
  }

  close(): void {
    this.namespaces.stop();
    this.quotas.stop();
  }

  /**
   * client-node 1.4 has no per-call timeout option: a middleware sets an abort signal on the request.
   * (The object-parameter API runs on the Observable API, so the middleware is the Observable kind.)
   */
  private withTimeout() {
    const ms = this.timeoutMs;
    return {
      middleware: [
        {
          pre: (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(ms));
            return new Observable(Promise.resolve(context));
          },
          post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
        },
      ],
      middlewareMergeStrategy: 'append' as const,
    };
  }
}
