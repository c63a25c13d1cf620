import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { MANAGED_BY_LABEL, RBAC_API_GROUP, objectRef } from './common';
import { assertDnsSubdomain, assertNonEmptyString, validateModel } from './validation';
import { toYamlStream } from './yaml';

export const STATUS_READER_ROLE = 'berth-status-reader';

/**
 * The least privilege of the identity in Berth's kubeconfig for a cluster (status read-back, libs/cluster):
 * LIST + WATCH Namespaces (labelled berth.dev/managed-by=berth) and ResourceQuotas (berth-quota, cluster-wide),
 * GET the Flux Kustomization berth-tenants. Nothing else: no Secrets, no writes. (RBAC cannot restrict a LIST to a
 * label or field selector, only a GET to resourceNames, so the two lists cover every Namespace and quota.)
 */
export const STATUS_READER_RULES: ReadonlyArray<{ apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }> = [
  { apiGroups: [''], resources: ['namespaces', 'resourcequotas'], verbs: ['list', 'watch'] },
  { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get'], resourceNames: ['berth-tenants'] },
];

/** The ClusterRole and its binding to the kubeconfig's subject (a User, or a ServiceAccount `namespace/name`). */
export function renderStatusReaderRbac(subject: { kind: 'User' | 'Group' } | { kind: 'ServiceAccount'; namespace: string }, name: string): string {
  assertNonEmptyString(name, objectRef('ClusterRoleBinding', STATUS_READER_ROLE), 'subjects[0].name');
  const labels = { [MANAGED_BY_LABEL]: 'berth' };
  const role = new ClusterRole({ metadata: { name: STATUS_READER_ROLE, labels }, rules: STATUS_READER_RULES.map((r) => ({ ...r })) });
  const who =
    subject.kind === 'ServiceAccount'
      ? (assertDnsSubdomain(name, 'ServiceAccount', 'name'), { kind: 'ServiceAccount', name, namespace: subject.namespace })
      : { apiGroup: RBAC_API_GROUP, kind: subject.kind, name };
  const binding = new ClusterRoleBinding({
    metadata: { name: STATUS_READER_ROLE, labels },
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: STATUS_READER_ROLE },
    subjects: [who],
  });
  validateModel(role, objectRef('ClusterRole', STATUS_READER_ROLE));
  validateModel(binding, objectRef('ClusterRoleBinding', STATUS_READER_ROLE));
  return toYamlStream([role.toJSON(), binding.toJSON()]);
}
