import { ManifestValidationError } from './errors';

// Kubernetes' own name rules (k8s.io/apimachinery/pkg/util/validation); kubernetes-models does not check names.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** `base.key` for identifier-like keys, `base["key"]` otherwise: the same notation as schema errors. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${base}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${show(key)}]`;
}

export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value);
}

export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** A DNS-1123 label (namespace, tenant, cluster names): lowercase alphanumerics and '-', at most 63. */
export function assertDnsLabel(value: unknown, object: string, field: string): asserts value is string {
  if (!isDnsLabel(value)) {
    throw new ManifestValidationError(
      object,
      field,
      `must be a DNS-1123 label (lowercase alphanumerics and '-', start and end alphanumeric, at most 63 characters), got ${show(value)}`,
    );
  }
}

/** A DNS-1123 subdomain (object names such as ClusterRoles): labels joined by '.', at most 253. */
export function assertDnsSubdomain(value: unknown, object: string, field: string): asserts value is string {
  if (!isDnsSubdomain(value)) {
    throw new ManifestValidationError(
      object,
      field,
      `must be a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters), got ${show(value)}`,
    );
  }
}

/** A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function assertQualifiedName(key: string, object: string, field: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok = (prefix === undefined || isDnsSubdomain(prefix)) && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
  if (!ok) {
    throw new ManifestValidationError(
      object,
      fieldPath(field, key),
      'key must be a qualified name ([DNS-subdomain prefix/]name, name at most 63 alphanumerics, "-", "_", "." starting and ending alphanumeric)',
    );
  }
}

export function assertLabels(labels: Record<string, unknown>, object: string, field: string): void {
  for (const [key, value] of Object.entries(labels)) {
    assertQualifiedName(key, object, field);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new ManifestValidationError(
        object,
        fieldPath(field, key),
        `value must be empty or at most 63 alphanumerics, "-", "_", "." starting and ending alphanumeric, got ${show(value)}`,
      );
    }
  }
}

export function assertAnnotations(annotations: Record<string, unknown>, object: string, field: string): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    assertQualifiedName(key, object, field);
    if (typeof value !== 'string') {
      throw new ManifestValidationError(object, fieldPath(field, key), `value must be a string, got ${show(value)}`);
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    throw new ManifestValidationError(object, field, `total size ${bytes} bytes exceeds 256 KiB`);
  }
}

/** Rejects keys in Kubernetes' and Berth's reserved prefixes so that user maps cannot override managed keys. */
export function assertNotReserved(map: Record<string, unknown>, reservedPrefixes: readonly string[], object: string, field: string): void {
  for (const key of Object.keys(map)) {
    const slash = key.indexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    if (reservedPrefixes.some((r) => prefix === r || prefix.endsWith(`.${r}`))) {
      throw new ManifestValidationError(object, fieldPath(field, key), `prefix "${prefix}" is reserved`);
    }
  }
}

/** Returns the instant in canonical UTC form (`2025-01-31T12:00:00Z`), so equal instants render equal bytes. */
export function canonicalTimestamp(value: string, object: string, field: string): string {
  const ms = RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new ManifestValidationError(object, field, `must be an RFC 3339 timestamp, got ${show(value)}`);
  }
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function assertNonEmptyString(value: unknown, object: string, field: string): asserts value is string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.trim() === '' || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ManifestValidationError(object, field, `must be a non-empty string without control characters, got ${show(value)}`);
  }
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function fieldOf(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce(fieldPath, '') || '(root)';
}

/** Anything kubernetes-models can validate: construct the model class, then `.validate()`. */
export interface Validatable {
  validate(): void;
  toJSON(): unknown;
}

/**
 * Runs the model's JSON-schema validation (compiled once per kind by kubernetes-models at module load) and
 * rethrows the most specific schema error as a ManifestValidationError naming the object and the field.
 */
export function validateModel(model: Validatable, object: string): void {
  try {
    model.validate();
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw err;
    // For `oneOf` (quantity = number | string-with-format) the `format` error says what was meant.
    const generic = new Set(['oneOf', 'anyOf', 'type']);
    const best = errors.find((e) => !generic.has(e.keyword)) ?? errors[0]!;
    const got = valueAt(model.toJSON(), best.instancePath);
    throw new ManifestValidationError(object, fieldOf(best.instancePath), `${best.message ?? best.keyword} (got ${show(got)})`);
  }
}
