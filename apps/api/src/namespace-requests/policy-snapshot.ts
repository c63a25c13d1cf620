import type { Namespace } from '@prisma/client';
import type { NamespaceUsage, PolicyOptions, PolicySnapshot, RequestKind, Tier } from '@berth/policy';
import type { BerthConfig } from '@berth/config';
import { DesiredSpec, effectiveLabels, keepsQuota, policyRequest } from './desired-spec';
import type { PolicyState } from './namespace-requests.repository';

export function tiersOf(state: PolicyState): Tier[] {
  return state.tiers.map((t) => ({
    name: t.name,
    resources: t.resources as Record<string, string>,
    limitRange: t.limitRange ?? undefined,
    autoApprove: t.autoApprove,
  }));
}

function usage(ns: Namespace): NamespaceUsage {
  return { name: ns.name, cluster: ns.cluster, resources: ns.resources as Record<string, string>, labels: effectiveLabels(ns.spec as unknown as DesiredSpec) };
}

/** Turns database rows into the plain snapshot the pure policy engine judges. */
export function buildSnapshot(state: PolicyState, kind: RequestKind, name: string, cluster: string, spec: DesiredSpec): PolicySnapshot {
  const { tenant } = state;
  const current = kind === 'Change' ? state.namespaces.find((n) => n.cluster === cluster && n.name === name) : undefined;
  return {
    tenant: {
      name: tenant.name,
      budget: tenant.budget as Record<string, string>,
      budgetNamespaces: tenant.budgetNamespaces,
      allowedClusters: tenant.allowedClusters,
      allowedTiers: tenant.allowedTiers,
    },
    tiers: tiersOf(state),
    cluster: state.cluster ? { name: state.cluster.name, labels: state.cluster.labels as Record<string, string> } : null,
    namespaces: state.namespaces.map(usage),
    takenNames: (candidate: string) => candidate === name && state.nameTaken,
    prefixTenants: state.prefixTenants,
    // A change that names the same tier (or resources) keeps what was approved: never re-sized, never over budget.
    request: { ...policyRequest(kind, name, cluster, spec), keepResources: current !== undefined && keepsQuota(current.spec as unknown as DesiredSpec, spec) },
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
