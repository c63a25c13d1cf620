export * from './types';
export { ManifestValidationError } from './errors';
export { resolveRenderOptions } from './options';
export { namespaceDir, tenantDir, clusterTenantsDir, clusterDir } from './paths';
export { renderNamespace, namespaceObjects, roleBindingName, RESOURCE_QUOTA_NAME, LIMIT_RANGE_NAME } from './namespace';
export {
  renderTenantOnboarding,
  tenantOnboardingObjects,
  tenantHomeNamespace,
  tenantServiceAccountName,
  TENANT_FILE,
  TENANT_RECONCILER_ROLE,
  TENANT_RECONCILER_BINDING,
} from './tenant';
export { renderClusterIndex, CLUSTER_SYNC_NAME, CLUSTER_SYNC_FILE } from './cluster';
export {
  PULL_RESOURCES_TEMPLATE,
  pullNamespaceObjects,
  pullOnboardingObjects,
  pullModeSetup,
  pullResourceSetName,
  pullResourceSetNames,
  pullShardOf,
  PULL_NAMESPACE,
  canonical,
  type KubeObjectJson,
  type PullSetupOptions,
} from './pull';
export {
  renderStatusReaderRbac,
  statusReaderRules,
  STATUS_READER_ROLE,
  STATUS_READER_RULES,
  type ClusterDeliveryMode,
  type StatusReaderRule,
} from './status-reader';
export { TENANTS_RECONCILER_ROLE, PROTECTION_POLICY_NAME } from './cluster-access';
export {
  MANAGED_BY_LABEL,
  TENANT_LABEL,
  FLUX_TENANT_LABEL,
  REQUEST_ID_ANNOTATION,
  EXPIRES_AT_ANNOTATION,
  POD_SECURITY_ENFORCE_LABEL,
  PROTECTED_LABEL,
  FLUX_PRUNE_ANNOTATION,
  RESOURCESET_PRUNE_ANNOTATION,
} from './common';
export { isDnsLabel, isDnsSubdomain } from './validation';
export { syncRepoFluxPath, syncRepoPathFor, isSyncRepoPathMap, MAX_SYNC_PATH_LENGTH } from './sync-repo';
export {
  normalizeFleetPath,
  pathsOverlap,
  fleetPathClash,
  fleetClaims,
  findCollisions,
  assertSingleOwners,
  clusterOfOwner,
  OwnershipCollisionError,
  type FleetPathClash,
  type OwnershipClaims,
  type OwnershipCollision,
} from './ownership';
export { desiredSpecOf, namespaceSpecOf, type DesiredSpec, type NamespaceRecord } from './desired-spec';
