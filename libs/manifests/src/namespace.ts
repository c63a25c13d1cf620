import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import {
  EXPIRES_AT_ANNOTATION,
  FLUX_PRUNE_ANNOTATION,
  FLUX_TENANT_LABEL,
  POD_SECURITY_ENFORCE_LABEL,
  PROTECTED_LABEL,
  RBAC_API_GROUP,
  REQUEST_ID_ANNOTATION,
  RESERVED_PREFIXES,
  RESOURCESET_PRUNE_ANNOTATION,
  kustomizationFile,
  managedLabels,
  objectRef,
  shortHash,
  sortedFiles,
} from './common';
import { ManifestValidationError } from './errors';
import { withComputeDefaults } from './limit-defaults';
import { networkPolicies } from './network-policy';
import { resolveRenderOptions } from './options';
import type { AccessEntry, LimitRangeSpec, NamespaceSpec, QuantityMap, RenderedFiles, RenderOptions } from './types';
import {
  assertAnnotations,
  assertDnsLabel,
  assertDnsSubdomain,
  assertLabels,
  assertNonEmptyString,
  assertNotReserved,
  assertQualifiedName,
  canonicalTimestamp,
  fieldPath,
  validateModel,
  type Validatable,
} from './validation';
import { toYamlDocument, toYamlStream } from './yaml';

export const RESOURCE_QUOTA_NAME = 'berth-quota';
export const LIMIT_RANGE_NAME = 'berth-limits';
const PROFILES = new Set(['isolated', 'tenant', 'open']);
/** Bound in a namespace, cluster-admin would let the tenant edit its own ResourceQuota and LimitRange. */
const FORBIDDEN_ROLES = new Set(['cluster-admin']);

/**
 * Renders the folder `tenants/<cluster>/<tenant>/<namespace>/` for one namespace. Keys are file names relative
 * to that folder (see `namespaceDir`). Every object is schema-validated; invalid input throws
 * ManifestValidationError.
 */
export function renderNamespace(spec: NamespaceSpec, options: Partial<RenderOptions> = {}): RenderedFiles {
  const { namespace, quota, limits, bindings, policies } = namespaceModels(spec, options);
  const files: RenderedFiles = {
    'namespace.yaml': emit([namespace]),
    'resourcequota.yaml': emit([quota]),
  };
  if (limits) files['limitrange.yaml'] = emit([limits]);
  if (bindings.length) files['rbac.yaml'] = emit(bindings);
  if (policies.length) files['networkpolicy.yaml'] = emit(policies);
  files['kustomization.yaml'] = kustomizationFile(Object.keys(files));
  return sortedFiles(files);
}

/**
 * The objects of one namespace as plain JSON, in the order renderNamespace writes its files (namespace, quota,
 * limit range, bindings, network policies): the same objects, for pull mode (see pull.ts).
 */
export function namespaceObjects(spec: NamespaceSpec, options: Partial<RenderOptions> = {}): Array<Record<string, unknown>> {
  const { namespace, quota, limits, bindings, policies } = namespaceModels(spec, options);
  return [namespace, quota, ...(limits ? [limits] : []), ...bindings, ...policies].map((o) => o.toJSON() as Record<string, unknown>);
}

/** Builds and validates every object of a namespace; invalid input throws ManifestValidationError. */
function namespaceModels(spec: NamespaceSpec, options: Partial<RenderOptions>) {
  const opts = resolveRenderOptions(options);
  const ns = spec.name;
  const nsRef = objectRef('Namespace', String(ns));
  assertDnsLabel(ns, nsRef, 'metadata.name');
  assertDnsLabel(spec.tenant, nsRef, 'tenant');
  assertDnsLabel(spec.cluster, nsRef, 'cluster');
  if (!PROFILES.has(spec.networkPolicy)) {
    throw new ManifestValidationError(nsRef, 'networkPolicy', `must be isolated, tenant or open, got ${JSON.stringify(spec.networkPolicy)}`);
  }
  const namespace = namespaceObject(spec, opts);
  const quota = resourceQuota(spec);
  const limits = limitRange(spec);
  const bindings = roleBindings(spec);
  const policies = networkPolicies(spec.networkPolicy, ns, spec.tenant, opts);
  for (const p of policies) validateModel(p, objectRef('NetworkPolicy', p.metadata!.name!, ns));
  return { namespace, quota, limits, bindings, policies };
}

function emit(objects: Validatable[]): string {
  return objects.length === 1 ? toYamlDocument(objects[0]!.toJSON()) : toYamlStream(objects.map((o) => o.toJSON()));
}

function namespaceObject(spec: NamespaceSpec, opts: RenderOptions): Namespace {
  const ref = objectRef('Namespace', spec.name);
  const userLabels = spec.labels ?? {};
  const userAnnotations = spec.annotations ?? {};
  assertLabels(userLabels, ref, 'metadata.labels');
  assertNotReserved(userLabels, RESERVED_PREFIXES, ref, 'metadata.labels');
  assertAnnotations(userAnnotations, ref, 'metadata.annotations');
  assertNotReserved(userAnnotations, RESERVED_PREFIXES, ref, 'metadata.annotations');
  assertNonEmptyString(spec.requestId, ref, `metadata.annotations["${REQUEST_ID_ANNOTATION}"]`);

  const annotations: Record<string, string> = { ...userAnnotations, [REQUEST_ID_ANNOTATION]: spec.requestId };
  // Both garbage collectors skip it: kustomize-controller (push mode) and the ResourceSet (pull mode).
  if (spec.protected === true) Object.assign(annotations, { [FLUX_PRUNE_ANNOTATION]: 'disabled', [RESOURCESET_PRUNE_ANNOTATION]: 'disabled' });
  if (spec.expiresAt != null) {
    annotations[EXPIRES_AT_ANNOTATION] = canonicalTimestamp(spec.expiresAt, ref, `metadata.annotations["${EXPIRES_AT_ANNOTATION}"]`);
  }
  const labels = {
    ...userLabels,
    ...managedLabels(spec.tenant),
    [FLUX_TENANT_LABEL]: spec.tenant,
    [POD_SECURITY_ENFORCE_LABEL]: opts.podSecurityEnforce,
    ...(spec.protected === true ? { [PROTECTED_LABEL]: 'true' } : {}),
  };
  const obj = new Namespace({ metadata: { name: spec.name, labels, annotations } });
  validateModel(obj, ref);
  return obj;
}

function assertQuantityKeys(map: QuantityMap, ref: string, field: string, allowNegative: boolean): void {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw new ManifestValidationError(ref, field, 'must be a map of resource name to quantity');
  }
  for (const [key, value] of Object.entries(map)) {
    assertQualifiedName(key, ref, field);
    if (!allowNegative && typeof value === 'string' && value.trim().startsWith('-')) {
      throw new ManifestValidationError(ref, fieldPath(field, key), `must not be negative, got ${JSON.stringify(value)}`);
    }
  }
}

function resourceQuota(spec: NamespaceSpec): ResourceQuota {
  const ref = objectRef('ResourceQuota', RESOURCE_QUOTA_NAME, spec.name);
  assertQuantityKeys(spec.resources, ref, 'spec.hard', false);
  const obj = new ResourceQuota({
    metadata: { name: RESOURCE_QUOTA_NAME, namespace: spec.name, labels: managedLabels(spec.tenant) },
    spec: { hard: { ...spec.resources } },
  });
  validateModel(obj, ref);
  return obj;
}

const LIMIT_FIELDS = ['default', 'defaultRequest', 'max', 'min'] as const satisfies readonly (keyof LimitRangeSpec)[];

/** `null` when there is no limit range or every map in it is empty (a LimitRange without limits is noise). */
function limitRange(spec: NamespaceSpec): LimitRange | null {
  const ref = objectRef('LimitRange', LIMIT_RANGE_NAME, spec.name);
  assertQuantityKeys(spec.resources, objectRef('ResourceQuota', RESOURCE_QUOTA_NAME, spec.name), 'spec.hard', false);
  if (spec.limitRange != null && (typeof spec.limitRange !== 'object' || Array.isArray(spec.limitRange))) {
    throw new ManifestValidationError(ref, 'spec.limits[0]', 'must be an object');
  }
  for (const f of LIMIT_FIELDS) {
    const map = spec.limitRange?.[f];
    if (map != null) assertQuantityKeys(map, ref, `spec.limits[0].${f}`, false);
  }
  const lr = withComputeDefaults(spec.resources, spec.limitRange);
  if (!lr) return null;
  const item: Record<string, unknown> = { type: 'Container' };
  for (const f of LIMIT_FIELDS) {
    const map = lr[f];
    if (map == null) continue;
    assertQuantityKeys(map, ref, `spec.limits[0].${f}`, false);
    if (Object.keys(map).length) item[f] = { ...map };
  }
  if (Object.keys(item).length === 1) return null;
  const obj = new LimitRange({
    metadata: { name: LIMIT_RANGE_NAME, namespace: spec.name, labels: managedLabels(spec.tenant) },
    spec: { limits: [item as { type: string }] },
  });
  validateModel(obj, ref);
  return obj;
}

/**
 * `berth-<role>-<user|group>-<10 hex of sha256(kind, subject name)>`: deterministic, a valid object name for
 * any subject (`Team A/Ops@corp`), and distinct per (role, subject). Exported for callers that look bindings up.
 */
export function roleBindingName(entry: AccessEntry): string {
  return `berth-${entry.role}-${entry.subject.kind.toLowerCase()}-${shortHash([entry.subject.kind, entry.subject.name])}`;
}

function roleBindings(spec: NamespaceSpec): RoleBinding[] {
  if (!Array.isArray(spec.access)) {
    throw new ManifestValidationError(objectRef('Namespace', spec.name), 'access', 'must be an array');
  }
  const byName = new Map<string, RoleBinding>();
  spec.access.forEach((entry, i) => {
    const at = `access[${i}]`;
    const ref = objectRef('RoleBinding', `(${at})`, spec.name);
    assertDnsSubdomain(entry?.role, ref, 'roleRef.name');
    if (FORBIDDEN_ROLES.has(entry.role)) {
      throw new ManifestValidationError(ref, 'roleRef.name', `ClusterRole "${entry.role}" may not be granted by Berth`);
    }
    if (entry.subject?.kind !== 'User' && entry.subject?.kind !== 'Group') {
      throw new ManifestValidationError(ref, 'subjects[0].kind', `must be User or Group, got ${JSON.stringify(entry.subject?.kind)}`);
    }
    assertNonEmptyString(entry.subject.name, ref, 'subjects[0].name');
    const name = roleBindingName(entry);
    assertDnsSubdomain(name, ref, 'metadata.name');
    const obj = new RoleBinding({
      metadata: { name, namespace: spec.name, labels: managedLabels(spec.tenant) },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: entry.role },
      subjects: [{ apiGroup: RBAC_API_GROUP, kind: entry.subject.kind, name: entry.subject.name }],
    });
    validateModel(obj, objectRef('RoleBinding', name, spec.name));
    byName.set(name, obj); // identical entries collapse into one binding
  });
  return [...byName.keys()].sort().map((k) => byName.get(k)!);
}
