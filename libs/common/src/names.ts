/** DNS-1123 label: what Kubernetes accepts as a namespace name (and what Berth accepts as a path segment). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;

export function isDnsLabel(value: unknown, max = DNS_LABEL_MAX): value is string {
  return typeof value === 'string' && value.length <= max && DNS_LABEL.test(value);
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes label (or annotation) key: optional DNS-subdomain prefix ≤ 253, '/', name ≤ 63. */
export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

/** A Kubernetes label value: empty, or ≤ 63 characters of the label-name alphabet. */
export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && LABEL_NAME.test(value)));
}

/** C0/C1 control characters (NUL included, which PostgreSQL text and jsonb cannot hold). */
export function hasControlCharacters(value: string): boolean {
  return /\p{Cc}/u.test(value);
}
