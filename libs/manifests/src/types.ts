/** Input types of the manifest renderer: the desired state Berth has decided on (policy already ran). */

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';
export type NetworkPolicyProfile = 'isolated' | 'tenant' | 'open';
export type SubjectKind = 'User' | 'Group';

/** Quantity map as Kubernetes writes it, e.g. `{ 'requests.cpu': '2', 'limits.memory': '4Gi' }`. */
export type QuantityMap = Record<string, string>;

export interface LimitRangeSpec {
  default?: QuantityMap;
  defaultRequest?: QuantityMap;
  max?: QuantityMap;
  min?: QuantityMap;
}

export interface AccessEntry {
  subject: { kind: SubjectKind; name: string };
  /** Name of a ClusterRole (e.g. `admin`, `edit`, `view`), bound inside the namespace. */
  role: string;
}

export interface NamespaceSpec {
  tenant: string;
  name: string;
  cluster: string;
  requestId: string;
  /** ResourceQuota `spec.hard`. */
  resources: QuantityMap;
  limitRange?: LimitRangeSpec | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  access: AccessEntry[];
  networkPolicy: NetworkPolicyProfile;
  /** ISO 8601 / RFC 3339 instant; set for ephemeral namespaces. */
  expiresAt?: string | null;
  /** Protected namespaces are never pruned by Flux (removing them from Git keeps their workloads). */
  protected?: boolean;
}

export interface TenantSyncRepo {
  url: string;
  branch: string;
  /** Path inside the tenant's repository, e.g. `./deploy/prod`; `''` is the repository root. */
  path: string;
  /** Per-cluster paths (cluster name → path), overriding `path` on that cluster. */
  paths?: Record<string, string> | null;
  /**
   * Name of a Secret in the tenant's home namespace with the repository's credentials (https `username`/
   * `password` or ssh `identity`/`known_hosts`, source-controller's format). Berth stores the name only; the
   * platform team provides the Secret.
   */
  secretRef?: string | null;
}

export interface TenantSpec {
  name: string;
  cluster: string;
  /** Names of the tenant's namespaces on this cluster. */
  namespaces: string[];
  syncRepo?: TenantSyncRepo | null;
}

export interface RenderOptions {
  podSecurityEnforce: PodSecurityLevel;
  /** Namespace of the ingress controller, admitted by the `isolated` and `tenant` network profiles. */
  ingressNamespace: string;
  fluxNamespace: 'flux-system';
  /** Fleet-repo folder holding `<cluster>/<tenant>/<namespace>/`. */
  tenantsRoot: string;
  /** Fleet-repo folder holding `<cluster>/` (Flux's bootstrap path per cluster). */
  clustersRoot: string;
  /**
   * Service account (in flux-system) that `berth-tenants` is applied as (`spec.serviceAccountName`), for clusters
   * whose kustomize-controller enforces impersonation (`--default-service-account`). Berth renders it and its
   * least-privilege ClusterRole next to berth-tenants. `null`: no serviceAccountName (kustomize-controller's own
   * identity) and no RBAC.
   */
  tenantsServiceAccount: string | null;
  /** Flux Kustomizations in flux-system that berth-tenants waits for (`spec.dependsOn`), e.g. `policies`. */
  tenantsDependsOn: readonly string[];
  /** ClusterRoles the berth-tenants account may bind in tenant namespaces (`admin` is needed for onboarding). */
  bindableRoles: readonly string[];
  /** Render the ValidatingAdmissionPolicy that protects Berth's objects from tenants (Kubernetes ≥ 1.30). */
  protectionPolicy: boolean;
}

export const DEFAULT_RENDER_OPTIONS: Readonly<RenderOptions> = Object.freeze({
  podSecurityEnforce: 'baseline',
  ingressNamespace: 'ingress-nginx',
  fluxNamespace: 'flux-system',
  tenantsRoot: 'tenants',
  clustersRoot: 'clusters',
  tenantsServiceAccount: 'berth-tenants',
  tenantsDependsOn: Object.freeze([]) as readonly string[],
  bindableRoles: Object.freeze(['admin', 'edit', 'view']) as readonly string[],
  protectionPolicy: true,
});

/** Rendered files: file name (or repo-relative path, see each function) → YAML text. */
export type RenderedFiles = Record<string, string>;
