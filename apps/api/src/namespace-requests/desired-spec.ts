import type { NamespaceRequest as PolicyRequest, NetworkPolicyMode, PolicySnapshot, RequestKind, Tier } from '@berth/policy';

// The stored desired state has one definition and one typed reader (desiredSpecOf), in @berth/manifests.
export type { DesiredSpec } from '@berth/manifests';
export type { LimitRangeSpec } from '@berth/manifests';
import type { DesiredSpec, LimitRangeSpec } from '@berth/manifests';

export const PROTECTED_LABEL = 'berth.dev/protected';

/** Labels as the cluster will see them for policy purposes (Berth's own protected marker included). */
export function effectiveLabels(spec: DesiredSpec): Record<string, string> {
  return spec.protected ? { ...spec.labels, [PROTECTED_LABEL]: 'true' } : spec.labels;
}

export interface SpecInput {
  tier?: string;
  resources?: Record<string, string>;
  limitRange?: LimitRangeSpec;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  access?: Array<{ subject: { kind: 'User' | 'Group'; name: string }; role: string }>;
  networkPolicy?: NetworkPolicyMode;
  ttl?: string;
  protected?: boolean;
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A new namespace's desired state from a create request (defaults filled in). */
export function specFromInput(input: SpecInput): DesiredSpec {
  return plain({
    tier: input.tier,
    resources: input.resources,
    limitRange: input.limitRange ?? null,
    labels: input.labels ?? {},
    annotations: input.annotations ?? {},
    access: (input.access ?? []).map((a) => ({ subject: { kind: a.subject.kind, name: a.subject.name }, role: a.role })),
    networkPolicy: input.networkPolicy ?? 'isolated',
    ttl: input.ttl,
    protected: input.protected,
  });
}

/**
 * The desired state after a change: fields present in the patch replace the current ones. A tier and
 * explicit resources exclude each other, so giving one drops the other.
 */
export function mergeSpec(current: DesiredSpec, patch: SpecInput): DesiredSpec {
  const next: DesiredSpec = { ...current };
  if (patch.tier !== undefined) {
    next.tier = patch.tier;
    delete next.resources;
  }
  if (patch.resources !== undefined) {
    next.resources = patch.resources;
    delete next.tier;
  }
  if (patch.limitRange !== undefined) next.limitRange = patch.limitRange;
  if (patch.labels !== undefined) next.labels = patch.labels;
  if (patch.annotations !== undefined) next.annotations = patch.annotations;
  if (patch.access !== undefined) next.access = specFromInput({ access: patch.access }).access;
  if (patch.networkPolicy !== undefined) next.networkPolicy = patch.networkPolicy;
  if (patch.ttl !== undefined) next.ttl = patch.ttl;
  if (patch.protected !== undefined) next.protected = patch.protected;
  return plain(next);
}

/** The ResourceQuota a spec amounts to: its tier's resources, or its explicit ones. */
export function effectiveResources(spec: DesiredSpec, tiers: readonly Tier[]): Record<string, string> {
  if (spec.tier) return { ...(tiers.find((t) => t.name === spec.tier)?.resources ?? {}) };
  return { ...(spec.resources ?? {}) };
}

/** The LimitRange a spec amounts to: its override, else its tier's defaults. */
export function effectiveLimitRange(spec: DesiredSpec, tiers: readonly Tier[]): LimitRangeSpec | null {
  if (spec.limitRange) return spec.limitRange;
  const tier = spec.tier ? tiers.find((t) => t.name === spec.tier) : undefined;
  return (tier?.limitRange as LimitRangeSpec | undefined) ?? null;
}

/** JSON with sorted keys: equal maps compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Whether `next` keeps the quota of `current`: the same tier (by name) or the same explicit resources. A
 * change that keeps it keeps the resources approved earlier, whatever the tier's definition is now: only
 * naming another tier or other resources re-sizes a namespace (and goes through budget and policy).
 */
export function keepsQuota(current: DesiredSpec, next: DesiredSpec): boolean {
  if (current.tier || next.tier) return current.tier === next.tier && !next.resources;
  return canonical(current.resources ?? {}) === canonical(next.resources ?? {});
}

/**
 * The ResourceQuota and LimitRange an approval writes: frozen at approval. A change that keeps the quota
 * keeps the namespace's current resources (and its LimitRange, unless the override changed); anything
 * else resolves them from the tier as it is now.
 */
export function approvedQuota(
  spec: DesiredSpec,
  current: { spec: unknown; resources: unknown; limitRange: unknown } | undefined,
  tiers: readonly Tier[],
): { resources: Record<string, string>; limitRange: LimitRangeSpec | null } {
  const before = current?.spec as DesiredSpec | undefined;
  const keep = before !== undefined && keepsQuota(before, spec);
  return {
    resources: keep ? { ...(current!.resources as Record<string, string>) } : effectiveResources(spec, tiers),
    limitRange:
      keep && canonical(before.limitRange ?? null) === canonical(spec.limitRange ?? null)
        ? ((current!.limitRange as LimitRangeSpec | null) ?? null)
        : effectiveLimitRange(spec, tiers),
  };
}

/** What the policy engine is asked about. */
export function policyRequest(kind: RequestKind, name: string, cluster: string, spec: DesiredSpec): PolicySnapshot['request'] {
  const request: PolicyRequest = {
    kind,
    name,
    cluster,
    tier: spec.tier,
    resources: spec.resources,
    labels: spec.labels,
    annotations: spec.annotations,
    access: spec.access,
    networkPolicy: spec.networkPolicy,
    ttl: spec.ttl,
  };
  return request;
}
