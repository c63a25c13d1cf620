import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { MANAGED_BY_LABEL, RBAC_API_GROUP } from './common';
import type { RenderOptions } from './types';
import type { Validatable } from './validation';

export const TENANTS_RECONCILER_ROLE = 'berth-tenants-reconciler';
export const PROTECTION_POLICY_NAME = 'berth-protect-managed-objects';

const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const labels = { [MANAGED_BY_LABEL]: 'berth' };

/**
 * What the `berth-tenants` service account needs, and nothing more: exactly the kinds Berth renders under
 * `tenants/<cluster>/` (kustomize-controller applies them server-side, reads them back and prunes them), plus
 * `bind` on the ClusterRoles Berth hands out (RBAC's escalation check: creating a RoleBinding to `admin` needs
 * either every permission of `admin` or `bind` on it). No ClusterRoleBindings, no Secrets, no workloads.
 * Applied by the cluster's bootstrap Kustomization (flux-system), next to berth-tenants itself, because an
 * account cannot grant itself its own rights.
 */
export function tenantsReconcilerRbac(opts: RenderOptions, serviceAccount: string): Validatable[] {
  const ns = opts.fluxNamespace;
  return [
    new ServiceAccount({ metadata: { name: serviceAccount, namespace: ns, labels } }),
    new ClusterRole({
      metadata: { name: TENANTS_RECONCILER_ROLE, labels },
      rules: [
        { apiGroups: [''], resources: ['namespaces', 'serviceaccounts', 'resourcequotas', 'limitranges'], verbs: ALL_VERBS },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ALL_VERBS },
        { apiGroups: [RBAC_API_GROUP], resources: ['rolebindings'], verbs: ALL_VERBS },
        { apiGroups: [RBAC_API_GROUP], resources: ['clusterroles'], verbs: ['bind'], resourceNames: [...opts.bindableRoles].sort() },
        { apiGroups: ['source.toolkit.fluxcd.io'], resources: ['gitrepositories'], verbs: ALL_VERBS },
        { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ALL_VERBS },
      ],
    }),
    new ClusterRoleBinding({
      metadata: { name: TENANTS_RECONCILER_ROLE, labels },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: TENANTS_RECONCILER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: ns }],
    }),
  ];
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA since Kubernetes 1.30) that refuses UPDATE and
 * DELETE of Berth's objects (ResourceQuota, LimitRange, NetworkPolicy, RoleBinding labelled
 * berth.dev/managed-by=berth) in Berth's namespaces to anyone but the Flux identities that apply them, the
 * namespace controller (which empties a namespace being deleted) and system:masters. Tenants holding `admin` or
 * `edit` (and the tenant's own Flux service account, which holds `admin`) can no longer lift their own quota.
 * flux2-multi-tenancy does this with Kyverno; this needs no third-party controller. The objectSelector matches
 * the old or the new object, so removing the label is refused too.
 */
export function protectionPolicy(opts: RenderOptions, serviceAccount: string | null): Validatable[] {
  const ns = opts.fluxNamespace;
  const allowed = [
    ...(serviceAccount ? [`system:serviceaccount:${ns}:${serviceAccount}`] : []),
    `system:serviceaccount:${ns}:kustomize-controller`,
    'system:serviceaccount:kube-system:namespace-controller',
    'system:kube-controller-manager',
  ];
  const users = `[${allowed.map((u) => `'${u}'`).join(', ')}]`;
  return [
    new ValidatingAdmissionPolicy({
      metadata: { name: PROTECTION_POLICY_NAME, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          namespaceSelector: { matchLabels: { [MANAGED_BY_LABEL]: 'berth' } },
          objectSelector: { matchLabels: { [MANAGED_BY_LABEL]: 'berth' } },
          resourceRules: [
            { apiGroups: [''], apiVersions: ['*'], operations: ['UPDATE', 'DELETE'], resources: ['resourcequotas', 'limitranges'] },
            { apiGroups: ['networking.k8s.io'], apiVersions: ['*'], operations: ['UPDATE', 'DELETE'], resources: ['networkpolicies'] },
            { apiGroups: [RBAC_API_GROUP], apiVersions: ['*'], operations: ['UPDATE', 'DELETE'], resources: ['rolebindings'] },
          ],
        },
        validations: [
          {
            expression: `request.userInfo.username in ${users} || (has(request.userInfo.groups) && 'system:masters' in request.userInfo.groups)`,
            message: 'This object is managed by Berth: change it through a Berth namespace request',
            reason: 'Forbidden',
          },
        ],
      },
    }),
    new ValidatingAdmissionPolicyBinding({
      metadata: { name: PROTECTION_POLICY_NAME, labels },
      spec: { policyName: PROTECTION_POLICY_NAME, validationActions: ['Deny'] },
    }),
  ];
}
