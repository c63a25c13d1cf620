import { desiredSpecOf } from '@berth/manifests';
import type { NamespaceUsage, PolicyOptions, PolicySnapshot, RequestKind, Tier } from '@berth/policy';
import type { BerthConfig } from '@berth/config';
import { DesiredSpec, effectiveLabels, keepsQuota, policyRequest } from './desired-spec';
import type { CurrentNamespace, PolicyState } from './namespace-requests.repository';

export function tiersOf(state: PolicyState): Tier[] {
  return state.tiers.map((t) => ({
    name: t.name,
    resources: t.resources,
    limitRange: t.limitRange ?? undefined,
    autoApprove: t.autoApprove,
  }));
}

function usage(ns: CurrentNamespace): NamespaceUsage {
  return { name: ns.name, cluster: ns.cluster, resources: ns.resources as Record<string, string>, labels: effectiveLabels(desiredSpecOf(ns.spec)) };
}

/** Turns the tenant's policy state (aggregates, not its namespace list) into the plain snapshot the pure policy engine judges. */
export function buildSnapshot(state: PolicyState, kind: RequestKind, name: string, cluster: string, spec: DesiredSpec): PolicySnapshot {
  const { tenant, current } = state;
  return {
    tenant: {
      name: tenant.name,
      budget: tenant.budget,
      budgetNamespaces: tenant.budgetNamespaces,
      allowedClusters: tenant.allowedClusters,
      allowedTiers: tenant.allowedTiers,
    },
    tiers: tiersOf(state),
    cluster: state.cluster,
    namespaces: { summary: true, count: state.namespaceCount, totals: state.allocated, ...(current ? { named: usage(current) } : {}) },
    takenNames: (candidate: string) => candidate === name && state.nameTaken,
    prefixTenants: state.prefixTenants,
    // A change that names the same tier (or resources) keeps what was approved: never re-sized, never over budget.
    request: {
      ...policyRequest(kind, name, cluster, spec),
      keepResources: kind === 'Change' && current !== null && keepsQuota(desiredSpecOf(current.spec), spec),
    },
  };
}

/** Policy options from configuration, built once (the engine caches its compiled form per object). */
export function policyOptionsFrom(config: BerthConfig): Partial<PolicyOptions> {
  return {
    namePrefix: config.policy.namePrefix,
    allowedClusterRoles: config.policy.allowedClusterRoles,
    allowedLabelKeys: config.policy.allowedLabelKeys,
    maxTtl: config.policy.maxTtl,
  };
}
