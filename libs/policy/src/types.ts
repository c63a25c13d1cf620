/** Input and output types of the policy engine. Plain data: no Nest, no Prisma. */

/** ResourceQuota-style map: resource key → Kubernetes quantity string. */
export type Quantities = Readonly<Record<string, string>>;
/** Parsed resources: canonical resource key → exact milli-units. */
export type ParsedResources = ReadonlyMap<string, bigint>;

export interface TenantPolicy {
  name: string;
  /** ResourceQuota keys → quantities; only the keys present are limited. */
  budget: Quantities;
  /** Maximum number of namespaces; null/undefined = unlimited. */
  budgetNamespaces?: number | null;
  /** Clusters the tenant may use. Empty means NO cluster is allowed (deny by default). */
  allowedClusters: readonly string[];
  /** Tier names the tenant may use. */
  allowedTiers: readonly string[];
}

export interface Tier {
  name: string;
  resources: Quantities;
  limitRange?: unknown;
  /** false: every namespace on this tier needs an administrator's approval. */
  autoApprove: boolean;
}

export interface ClusterInfo {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** One of the tenant's namespaces: existing, or approved and not yet committed. */
export interface NamespaceUsage {
  name: string;
  cluster: string;
  resources: Quantities;
  /** Current labels; `berth.dev/protected: "true"` makes a Delete need approval. */
  labels?: Readonly<Record<string, string>>;
}

/** The tenant's namespaces with totals computed once (see `prepareNamespaces`). */
export interface PreparedNamespaces {
  readonly prepared: true;
  readonly list: readonly NamespaceUsage[];
  /** Sum of every namespace's resources, canonical keys (see `canonicalResourceKey`). */
  readonly totals: ParsedResources;
  /** `${cluster}/${name}` → the namespace and its parsed resources. */
  readonly byRef: ReadonlyMap<string, { readonly namespace: NamespaceUsage; readonly parsed: ParsedResources }>;
}

/**
 * The tenant's namespaces as aggregates, for callers that keep them in a ledger (Berth's `Allocation`
 * table): a decision then costs the same whatever the tenant's size. Exactly what the rules read from
 * the list: how many, their summed resources, and the namespace the request names.
 */
export interface NamespaceSummary {
  readonly summary: true;
  /** Number of the tenant's namespaces. */
  readonly count: number;
  /** Sum of every namespace's resources, canonical keys (see `canonicalResourceKey`), milli-units. */
  readonly totals: ParsedResources;
  /** The tenant's namespace of the request's cluster and name, when it has one (Change/Delete judge it; Create is denied). */
  readonly named?: NamespaceUsage;
}

export type RequestKind = 'Create' | 'Change' | 'Delete';
export type NetworkPolicyMode = 'isolated' | 'tenant' | 'open';

export interface AccessGrant {
  subject: { kind: 'User' | 'Group'; name: string };
  role: string;
}

/** What is asked. Create and Change carry the full desired state of the namespace. */
export interface NamespaceRequest {
  kind: RequestKind;
  name: string;
  cluster: string;
  tier?: string;
  resources?: Quantities;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  access?: readonly AccessGrant[];
  networkPolicy?: NetworkPolicyMode;
  /** Go-style duration, e.g. 72h, 1h30m, 7d. */
  ttl?: string;
  /**
   * Change only: the namespace keeps the quota it was approved with (the change names no other tier or
   * resources). Its resources are the current ones, whatever its tier's definition is now: tier and
   * resource rules do not re-judge them and the budget sees no increase.
   */
  keepResources?: boolean;
}

/** Names already used on the request's cluster by ANY tenant. */
export type TakenNames = ReadonlySet<string> | readonly string[] | ((name: string) => boolean);

export interface PolicySnapshot {
  tenant: TenantPolicy;
  tiers: readonly Tier[];
  /** The request's cluster; null when unknown (→ deny). */
  cluster: ClusterInfo | null;
  /** The tenant's namespaces: raw, prepared once with `prepareNamespaces`, or summarised (`NamespaceSummary`). */
  namespaces: readonly NamespaceUsage[] | PreparedNamespaces | NamespaceSummary;
  takenNames: TakenNames;
  /**
   * Other tenants whose name prefix the requested name starts with (look them up with `prefixCandidates`).
   * The name belongs to the tenant with the longest prefix: a Create by any other tenant is denied.
   */
  prefixTenants?: readonly string[];
  request: NamespaceRequest;
}

export type Severity = 'deny' | 'needs-approval';
export type Outcome = 'approve' | Severity;

export interface Reason {
  /** Stable machine code, e.g. `budget.exceeded` (see `REASON_CODES`). */
  code: string;
  /** Sentence for the portal. */
  message: string;
  /** Request path the reason is about, e.g. `resources.limits.memory`, `labels.team`. */
  field?: string;
  limit?: string;
  requested?: string;
  used?: string;
  severity: Severity;
}

export interface Decision {
  outcome: Outcome;
  reasons: Reason[];
}

export interface PolicyOptions {
  /** Required name prefix; `{tenant}` is replaced by the tenant name. Empty string disables. */
  namePrefix: string;
  /** Names nobody may take (any `kube-*` name is reserved as well). */
  reservedNames: readonly string[];
  /** Label/annotation key prefixes owned by the platform; subdomains are covered too. */
  reservedLabelPrefixes: readonly string[];
  /** When set, the only label keys users may set. */
  allowedLabelKeys?: readonly string[];
  /** When set, the only annotation keys users may set. */
  allowedAnnotationKeys?: readonly string[];
  allowedClusterRoles: readonly string[];
  /** Longest TTL, a Go-style duration. */
  maxTtl: string;
  /** Resource keys accepted verbatim. */
  knownResourceKeys: readonly string[];
  /** Further accepted resource keys (count/…, storage classes, extended resources). */
  resourceKeyPatterns: readonly RegExp[];
}
