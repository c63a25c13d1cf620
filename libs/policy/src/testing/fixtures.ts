/** Test fixtures (not exported from the library). */
import type { Decision, NamespaceRequest, NamespaceUsage, PolicySnapshot, Tier } from '../types';

export const TIERS: Tier[] = [
  { name: 'small', resources: { 'requests.cpu': '1', 'limits.memory': '2Gi' }, autoApprove: true },
  { name: 'medium', resources: { 'requests.cpu': '2', 'limits.memory': '8Gi', 'requests.storage': '20Gi' }, autoApprove: true },
  { name: 'large', resources: { 'requests.cpu': '4', 'limits.memory': '8Gi' }, autoApprove: false },
  { name: 'gpu', resources: { 'requests.cpu': '8', 'requests.nvidia.com/gpu': '1' }, autoApprove: true },
];

/** Used: requests.cpu 4, limits.memory 40Gi, requests.storage 10Gi; 2 of 10 namespaces. */
export const NAMESPACES: NamespaceUsage[] = [
  { name: 'acme-a', cluster: 'prod-1', resources: { 'requests.cpu': '1', 'limits.memory': '8Gi' } },
  {
    name: 'acme-b',
    cluster: 'prod-1',
    resources: { 'requests.cpu': '3000m', 'limits.memory': '32Gi', 'requests.storage': '10Gi' },
    labels: { 'berth.dev/protected': 'true' },
  },
];

export function snapshot(request: Partial<NamespaceRequest> = {}, patch: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return {
    tenant: {
      name: 'acme',
      budget: { 'requests.cpu': '8', 'limits.memory': '48Gi', 'requests.storage': '100Gi' },
      budgetNamespaces: 10,
      allowedClusters: ['prod-1'],
      allowedTiers: ['small', 'medium', 'large'],
    },
    tiers: TIERS,
    cluster: { name: 'prod-1', labels: { env: 'prod' } },
    namespaces: NAMESPACES,
    takenNames: new Set(['acme-a', 'acme-b', 'other-web']),
    request: { kind: 'Create', name: 'acme-web', cluster: 'prod-1', tier: 'small', ...request },
    ...patch,
  };
}

export const codes = (d: Decision): string[] => d.reasons.map((r) => r.code);
