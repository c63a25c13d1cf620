import { formatQuantity, parseQuantity } from '@berth/quantities';
import type { NamespaceSummary, NamespaceUsage, ParsedResources, PreparedNamespaces, Quantities } from './types';

/**
 * ResourceQuota treats `cpu`/`memory`/`ephemeral-storage` as the same quota as their `requests.`
 * form; sums and budget checks use the `requests.` form so both spellings count once.
 */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['cpu', 'requests.cpu'],
  ['memory', 'requests.memory'],
  ['ephemeral-storage', 'requests.ephemeral-storage'],
]);

export function canonicalResourceKey(key: string): string {
  return ALIASES.get(key) ?? key;
}

/** Memory, storage and huge pages read best in binary units (Gi); everything else in decimal. */
export function quantityHint(key: string): 'binary' | 'decimal' {
  return /memory|storage|hugepages/.test(key) ? 'binary' : 'decimal';
}

/** Formats a milli-unit value the way a person would write it for this resource key. */
export function formatResource(key: string, milli: bigint): string {
  return formatQuantity(milli, quantityHint(key));
}

/** Parses a resource map to canonical keys; throws QuantityError on an invalid value. */
export function parseResources(resources: Quantities): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const key in resources) {
    const k = canonicalResourceKey(key);
    out.set(k, (out.get(k) ?? 0n) + parseQuantity(resources[key]));
  }
  return out;
}

/** Exact sum of resource maps (strings or parsed), canonical keys. Throws QuantityError. */
export function sumResources(items: Iterable<Quantities | ParsedResources>): Map<string, bigint> {
  const total = new Map<string, bigint>();
  for (const item of items) {
    const parsed = item instanceof Map ? (item as ParsedResources) : parseResources(item as Quantities);
    for (const [k, v] of parsed) total.set(k, (total.get(k) ?? 0n) + v);
  }
  return total;
}

/** Back to quantity strings, e.g. for a usage endpoint: `{ 'requests.memory': '40Gi' }`. */
export function formatResources(parsed: ParsedResources): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of parsed) out[k] = formatResource(k, v);
  return out;
}

export const namespaceRef = (cluster: string, name: string): string => `${cluster}/${name}`;

/**
 * Parses and sums the tenant's namespaces once. Evaluating many requests against the same tenant
 * (bulk checks, dry runs, the benchmark) then costs O(budget keys) instead of O(namespaces).
 * Throws QuantityError if stored data holds an invalid quantity.
 */
export function prepareNamespaces(list: readonly NamespaceUsage[]): PreparedNamespaces {
  const byRef = new Map<string, { namespace: NamespaceUsage; parsed: ParsedResources }>();
  const totals = new Map<string, bigint>();
  for (const namespace of list) {
    const parsed = parseResources(namespace.resources);
    byRef.set(namespaceRef(namespace.cluster, namespace.name), { namespace, parsed });
    for (const [k, v] of parsed) totals.set(k, (totals.get(k) ?? 0n) + v);
  }
  return { prepared: true, list, totals, byRef };
}

/** Totals only, without the per-namespace index: the raw-snapshot path of `evaluate`. */
export function totalResources(list: readonly NamespaceUsage[]): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (let i = 0; i < list.length; i++) {
    const resources = list[i].resources;
    for (const key in resources) {
      const k = canonicalResourceKey(key);
      totals.set(k, (totals.get(k) ?? 0n) + parseQuantity(resources[key]));
    }
  }
  return totals;
}

export function isPrepared(ns: readonly NamespaceUsage[] | PreparedNamespaces | NamespaceSummary): ns is PreparedNamespaces {
  return (ns as PreparedNamespaces).prepared === true;
}

export function isSummary(ns: readonly NamespaceUsage[] | PreparedNamespaces | NamespaceSummary): ns is NamespaceSummary {
  return (ns as NamespaceSummary).summary === true;
}

/**
 * The summary of a list (what a ledger holds): its count, its totals and the namespace `named`, if listed.
 * Evaluating with it decides exactly as with the list. Throws QuantityError on an invalid stored quantity.
 */
export function summarizeNamespaces(list: readonly NamespaceUsage[], named?: { cluster: string; name: string }): NamespaceSummary {
  const found = named && list.find((n) => n.cluster === named.cluster && n.name === named.name);
  return { summary: true, count: list.length, totals: totalResources(list), ...(found ? { named: found } : {}) };
}
