import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { MANAGED_BY_LABEL, RBAC_API_GROUP, objectRef } from './common';
import { pullResourceSetNames } from './pull';
import { assertDnsSubdomain, assertNonEmptyString, validateModel } from './validation';
import { toYamlStream } from './yaml';

export const STATUS_READER_ROLE = 'berth-status-reader';

export interface StatusReaderRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** How a cluster receives Berth's objects: the fleet repository's berth-tenants Kustomization, or Flux Operator pull mode. */
export type ClusterDeliveryMode = { mode: 'push' } | { mode: 'pull'; shards: number };

/**
 * The least privilege of the identity in Berth's kubeconfig for a cluster (status read-back, libs/cluster):
 * LIST + WATCH Namespaces (labelled berth.dev/managed-by=berth) and ResourceQuotas (berth-quota, cluster-wide),
 * and GET of the one Flux object per shard that says what was applied: the Kustomization berth-tenants (push), or
 * the Flux Operator ResourceSets `berth` / `berth-<i>` in flux-system (pull). Nothing else: no Secrets, no writes.
 * (RBAC cannot restrict a LIST to a label or field selector, only a GET to resourceNames, so the two lists cover
 * every Namespace and quota.)
 */
export function statusReaderRules(delivery: ClusterDeliveryMode = { mode: 'push' }): StatusReaderRule[] {
  const flux: StatusReaderRule =
    delivery.mode === 'pull'
      ? { apiGroups: ['fluxcd.controlplane.io'], resources: ['resourcesets'], verbs: ['get'], resourceNames: pullResourceSetNames(delivery.shards) }
      : { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get'], resourceNames: ['berth-tenants'] };
  return [{ apiGroups: [''], resources: ['namespaces', 'resourcequotas'], verbs: ['list', 'watch'] }, flux];
}

/** The push-mode rules (the default). */
export const STATUS_READER_RULES: ReadonlyArray<StatusReaderRule> = statusReaderRules();

/**
 * The ClusterRole and its binding to the kubeconfig's subject (a User, or a ServiceAccount `namespace/name`), for
 * the cluster's delivery mode (push by default).
 */
export function renderStatusReaderRbac(
  subject: { kind: 'User' | 'Group' } | { kind: 'ServiceAccount'; namespace: string },
  name: string,
  delivery: ClusterDeliveryMode = { mode: 'push' },
): string {
  assertNonEmptyString(name, objectRef('ClusterRoleBinding', STATUS_READER_ROLE), 'subjects[0].name');
  const labels = { [MANAGED_BY_LABEL]: 'berth' };
  const role = new ClusterRole({ metadata: { name: STATUS_READER_ROLE, labels }, rules: statusReaderRules(delivery) });
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
