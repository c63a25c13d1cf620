import type { PolicyOptions } from './types';
import { parseDuration } from './duration';

/** Standard ResourceQuota keys (https://kubernetes.io/docs/concepts/policy/resource-quotas/). */
const STANDARD_RESOURCE_KEYS = [
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
  'ephemeral-storage',
  'pods',
  'services',
  'services.loadbalancers',
  'services.nodeports',
  'persistentvolumeclaims',
  'configmaps',
  'secrets',
  'replicationcontrollers',
  'resourcequotas',
];

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;

/**
 * Keys accepted by pattern:
 * - object counts `count/<resource>` and `count/<resource>.<group>` (e.g. count/deployments.apps);
 * - per storage class `<class>.storageclass.storage.k8s.io/requests.storage|persistentvolumeclaims`;
 * - extended resources `requests.<domain>/<name>` where the domain has a dot and is not
 *   kubernetes.io (e.g. requests.nvidia.com/gpu): Kubernetes quotas them by `requests.` only;
 * - huge pages `requests.hugepages-<size>` / `limits.hugepages-<size>` / `hugepages-<size>`.
 */
const STANDARD_RESOURCE_PATTERNS = [
  new RegExp(`^count/${DNS_SUBDOMAIN}$`),
  new RegExp(`^${DNS_SUBDOMAIN}\\.storageclass\\.storage\\.k8s\\.io/(requests\\.storage|persistentvolumeclaims)$`),
  new RegExp(`^requests\\.(?!([a-z0-9-]+\\.)*kubernetes\\.io/)${DNS_LABEL}(\\.${DNS_LABEL})+/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`),
  /^(requests\.|limits\.)?hugepages-[0-9]+(Ki|Mi|Gi)$/,
];

export const DEFAULT_POLICY_OPTIONS: Readonly<PolicyOptions> = Object.freeze({
  namePrefix: '{tenant}-',
  reservedNames: ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system', 'berth-system'],
  reservedLabelPrefixes: ['berth.dev/', 'kubernetes.io/', 'k8s.io/', 'toolkit.fluxcd.io/', 'pod-security.kubernetes.io/'],
  allowedClusterRoles: ['view', 'edit', 'admin'],
  maxTtl: '720h',
  knownResourceKeys: STANDARD_RESOURCE_KEYS,
  resourceKeyPatterns: STANDARD_RESOURCE_PATTERNS,
});

/** Options turned into lookup structures once (cached per options object). */
export interface ResolvedOptions {
  readonly source: Readonly<PolicyOptions>;
  readonly namePrefix: string;
  readonly reservedNames: ReadonlySet<string>;
  /** Reserved domains without the trailing '/', e.g. `kubernetes.io`. */
  readonly reservedDomains: readonly string[];
  readonly allowedLabelKeys: ReadonlySet<string> | null;
  readonly allowedAnnotationKeys: ReadonlySet<string> | null;
  readonly allowedClusterRoles: ReadonlySet<string>;
  readonly maxTtlSeconds: number;
  readonly knownResourceKeys: ReadonlySet<string>;
  readonly resourceKeyPatterns: readonly RegExp[];
}

const resolved = new WeakMap<object, ResolvedOptions>();

/**
 * Merges `options` over the defaults and compiles them. Pass the same object again to reuse the
 * compiled form; throws if `maxTtl` is not a valid duration (a configuration error).
 */
export function resolveOptions(options: Partial<PolicyOptions> = DEFAULT_POLICY_OPTIONS): ResolvedOptions {
  const hit = resolved.get(options);
  if (hit) return hit;
  const o: PolicyOptions = { ...DEFAULT_POLICY_OPTIONS, ...options };
  const maxTtlSeconds = parseDuration(o.maxTtl);
  if (maxTtlSeconds === null) throw new Error(`invalid policy option maxTtl ${JSON.stringify(o.maxTtl)}`);
  const r: ResolvedOptions = {
    source: o,
    namePrefix: o.namePrefix,
    reservedNames: new Set(o.reservedNames),
    reservedDomains: o.reservedLabelPrefixes.map((p) => p.replace(/\/$/, '')),
    allowedLabelKeys: o.allowedLabelKeys ? new Set(o.allowedLabelKeys) : null,
    allowedAnnotationKeys: o.allowedAnnotationKeys ? new Set(o.allowedAnnotationKeys) : null,
    allowedClusterRoles: new Set(o.allowedClusterRoles),
    maxTtlSeconds,
    knownResourceKeys: new Set(o.knownResourceKeys),
    resourceKeyPatterns: o.resourceKeyPatterns,
  };
  resolved.set(options, r);
  return r;
}
