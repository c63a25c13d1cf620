import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { NAMESPACE_NAME_LABEL, TENANT_LABEL, managedLabels } from './common';
import type { NetworkPolicyProfile, RenderOptions } from './types';

/**
 * NetworkPolicies per profile. All of them restrict INGRESS only (`policyTypes: [Ingress]`):
 *
 * - `open`     → none.
 * - `isolated` → default-deny ingress; allow from pods of the same namespace; allow from the ingress
 *                controller's namespace (matched by the immutable `kubernetes.io/metadata.name` label).
 * - `tenant`   → `isolated` plus allow from every namespace labelled `berth.dev/tenant: <tenant>`
 *                (that label is set only by Berth on the cluster-scoped Namespace; tenants cannot edit it).
 *
 * No DNS-egress policy is rendered, deliberately. Egress is not restricted by any profile, so pods can already
 * reach kube-dns; an "allow DNS egress" policy would be a no-op at best. Worse, a NetworkPolicy that lists
 * `Egress` in `policyTypes` makes the pods it selects egress-isolated, so adding one would silently cut every
 * non-DNS connection. If an egress-restricting profile is added later, it must ship default-deny egress and the
 * DNS allowance (kube-system / k8s-app=kube-dns, UDP+TCP 53) together.
 */
export function networkPolicies(
  profile: NetworkPolicyProfile,
  namespace: string,
  tenant: string,
  opts: Pick<RenderOptions, 'ingressNamespace'>,
): NetworkPolicy[] {
  if (profile === 'open') return [];
  const policy = (name: string, from: NonNullable<NetworkPolicy['spec']>['ingress']) =>
    new NetworkPolicy({
      metadata: { name, namespace, labels: managedLabels(tenant) },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ...(from ? { ingress: from } : {}) },
    });
  const fromNamespaceLabel = (key: string, value: string) => [{ from: [{ namespaceSelector: { matchLabels: { [key]: value } } }] }];

  const policies = [
    policy('berth-default-deny-ingress', undefined),
    policy('berth-allow-same-namespace', [{ from: [{ podSelector: {} }] }]),
    policy('berth-allow-ingress-controller', fromNamespaceLabel(NAMESPACE_NAME_LABEL, opts.ingressNamespace)),
  ];
  if (profile === 'tenant') {
    policies.push(policy('berth-allow-same-tenant', fromNamespaceLabel(TENANT_LABEL, tenant)));
  }
  return policies;
}
