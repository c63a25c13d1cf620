import type { AccessEntry, LimitRangeSpec, NamespaceSpec, NetworkPolicyProfile, QuantityMap, SubjectKind } from './types';

/**
 * A namespace's desired state as Berth stores it (the JSON `spec` column of requests and namespaces): what was
 * asked and approved. The renderer's input (NamespaceSpec) is made from it with the row's other columns.
 */
export interface DesiredSpec {
  tier?: string;
  resources?: QuantityMap;
  limitRange?: LimitRangeSpec | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  access: AccessEntry[];
  networkPolicy: NetworkPolicyProfile;
  ttl?: string;
  /** Deleting a protected namespace needs a platform admin's approval; Flux never prunes it. */
  protected?: boolean;
}

/** A namespace row as the database returns it (JSON columns untyped), with its tenant's name. */
export interface NamespaceRecord {
  name: string;
  cluster: string;
  requestId: string;
  spec: unknown;
  /** The effective ResourceQuota frozen at approval. */
  resources: unknown;
  /** The effective LimitRange frozen at approval (null: none). */
  limitRange: unknown;
  expiresAt: Date | null;
  tenant: { name: string };
}

const NETWORK_POLICIES: readonly NetworkPolicyProfile[] = ['isolated', 'tenant', 'open'];
const SUBJECT_KINDS: readonly SubjectKind[] = ['User', 'Group'];
const LIMIT_RANGE_KEYS = ['default', 'defaultRequest', 'max', 'min'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The string entries of a JSON object ({} for anything else). */
function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function limitRangeOf(value: unknown): LimitRangeSpec | null {
  if (!isRecord(value)) return null;
  const out: LimitRangeSpec = {};
  for (const key of LIMIT_RANGE_KEYS) if (isRecord(value[key])) out[key] = stringMap(value[key]);
  return out;
}

function accessOf(value: unknown): AccessEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((grant: unknown) => {
    if (!isRecord(grant) || !isRecord(grant.subject) || typeof grant.role !== 'string') return [];
    const { kind, name } = grant.subject;
    if (!SUBJECT_KINDS.includes(kind as SubjectKind) || typeof name !== 'string') return [];
    return [{ subject: { kind: kind as SubjectKind, name }, role: grant.role }];
  });
}

/**
 * Reads a stored `spec` column as a DesiredSpec: the one typed way from the database's JSON to the desired state
 * (rendering, pull-mode inputs and policy all read it through here). Berth wrote the JSON from validated input, so
 * this only types it and fills the defaults of rows older than a field: labels, annotations and access empty,
 * network policy `isolated`. Optional fields stay absent when absent (the JSON is stored again as is).
 */
export function desiredSpecOf(json: unknown): DesiredSpec {
  const spec = isRecord(json) ? json : {};
  const out: DesiredSpec = {
    labels: stringMap(spec.labels),
    annotations: stringMap(spec.annotations),
    access: accessOf(spec.access),
    networkPolicy: NETWORK_POLICIES.includes(spec.networkPolicy as NetworkPolicyProfile) ? (spec.networkPolicy as NetworkPolicyProfile) : 'isolated',
  };
  if (typeof spec.tier === 'string') out.tier = spec.tier;
  if (isRecord(spec.resources)) out.resources = stringMap(spec.resources);
  if (spec.limitRange !== undefined) out.limitRange = limitRangeOf(spec.limitRange);
  if (typeof spec.ttl === 'string') out.ttl = spec.ttl;
  if (typeof spec.protected === 'boolean') out.protected = spec.protected;
  return out;
}

/** The renderer's input for one namespace row: its stored desired state with the quota and limits frozen at approval. */
export function namespaceSpecOf(row: NamespaceRecord): NamespaceSpec {
  const spec = desiredSpecOf(row.spec);
  return {
    tenant: row.tenant.name,
    name: row.name,
    cluster: row.cluster,
    requestId: row.requestId,
    resources: stringMap(row.resources),
    limitRange: limitRangeOf(row.limitRange),
    labels: spec.labels,
    annotations: spec.annotations,
    access: spec.access,
    networkPolicy: spec.networkPolicy,
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
    protected: spec.protected === true,
  };
}
