import type { RuleContext } from '../context';
import { deny, show } from '../reasons';
import type { Reason } from '../types';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Kubernetes caps the total size of a namespace's annotations at 256 KiB. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Why `key` is not a valid Kubernetes label/annotation key, or null when it is. */
export function keyProblem(key: string): string | null {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) {
      return 'prefix must be a DNS subdomain of at most 253 characters';
    }
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name must be 1 to 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return null;
}

/** The key's prefix is a reserved domain or one of its subdomains (node.kubernetes.io/...). */
export function isReservedKey(key: string, reservedDomains: readonly string[]): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return false;
  const prefix = key.slice(0, slash);
  for (const domain of reservedDomains) {
    if (prefix === domain || (prefix.endsWith(domain) && prefix.charCodeAt(prefix.length - domain.length - 1) === 46)) return true;
  }
  return false;
}

export function labelValueProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'value must be a string';
  if (value.length === 0) return null;
  if (value.length > 63 || !QUALIFIED_NAME.test(value)) {
    return "value must be at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return null;
}

/** Labels: valid keys and values, no reserved prefixes, allow-list when configured. */
export function checkLabels(ctx: RuleContext, out: Reason[]): void {
  const { labels } = ctx.request;
  if (labels === undefined) return;
  const { reservedDomains, allowedLabelKeys } = ctx.options;
  for (const key in labels) {
    const field = `labels.${key}`;
    const problem = keyProblem(key);
    if (problem) out.push(deny('labels.invalid-key', `label key ${show(key)}: ${problem}`, { field }));
    else if (isReservedKey(key, reservedDomains)) out.push(deny('labels.reserved', `label key ${show(key)} uses a reserved prefix`, { field }));
    else if (allowedLabelKeys && !allowedLabelKeys.has(key)) {
      out.push(deny('labels.not-allowed', `label key ${show(key)} is not allowed; allowed: ${[...allowedLabelKeys].join(', ')}`, { field }));
    }
    const valueProblem = labelValueProblem(labels[key]);
    if (valueProblem) out.push(deny('labels.invalid-value', `label ${show(key)}: ${valueProblem}`, { field }));
  }
}

/** Annotations: valid keys, no reserved prefixes, allow-list when configured, ≤ 256 KiB in total. */
export function checkAnnotations(ctx: RuleContext, out: Reason[]): void {
  const { annotations } = ctx.request;
  if (annotations === undefined) return;
  const { reservedDomains, allowedAnnotationKeys } = ctx.options;
  let size = 0;
  for (const key in annotations) {
    const field = `annotations.${key}`;
    const value = annotations[key];
    size += key.length + (typeof value === 'string' ? value.length : 0);
    const problem = keyProblem(key);
    if (problem) out.push(deny('annotations.invalid-key', `annotation key ${show(key)}: ${problem}`, { field }));
    else if (isReservedKey(key, reservedDomains)) {
      out.push(deny('annotations.reserved', `annotation key ${show(key)} uses a reserved prefix`, { field }));
    } else if (allowedAnnotationKeys && !allowedAnnotationKeys.has(key)) {
      out.push(deny('annotations.not-allowed', `annotation key ${show(key)} is not allowed`, { field }));
    }
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    out.push(deny('annotations.too-large', `annotations total ${size} characters, more than ${MAX_ANNOTATIONS_BYTES}`, { field: 'annotations' }));
  }
}
