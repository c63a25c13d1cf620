import { parseQuantity } from '@berth/quantities';
import type { ResolvedOptions } from './options';
import { isPrepared, isSummary, namespaceRef, parseResources, totalResources } from './resources';
import type { NamespaceRequest, NamespaceUsage, ParsedResources, PolicySnapshot, Reason, Tier } from './types';

/** Everything a rule may read; built once per evaluation. */
export interface RuleContext {
  readonly snapshot: PolicySnapshot;
  readonly request: NamespaceRequest;
  readonly options: ResolvedOptions;
  readonly usage: Usage;
  /** Change/Delete: the namespace concerned, when the tenant has it on that cluster. */
  readonly current: NamespaceEntry | undefined;
  /** The new namespace's resources (its tier's, or the explicit ones); null if undeterminable. */
  readonly requested: ParsedResources | null;
  tier(name: string): Tier | undefined;
}

type NamespaceEntry = { readonly namespace: NamespaceUsage; readonly parsed: ParsedResources };

/** What rules need from the tenant's namespaces. */
export interface Usage {
  readonly count: number;
  readonly totals: ParsedResources;
  find(cluster: string, name: string): NamespaceEntry | undefined;
}

function usageOf(namespaces: PolicySnapshot['namespaces']): Usage {
  if (isSummary(namespaces)) {
    const { named } = namespaces;
    const entry = named && { namespace: named, parsed: parseResources(named.resources) };
    return { count: namespaces.count, totals: namespaces.totals, find: (c, n) => (entry && named.cluster === c && named.name === n ? entry : undefined) };
  }
  if (isPrepared(namespaces)) {
    return { count: namespaces.list.length, totals: namespaces.totals, find: (c, n) => namespaces.byRef.get(namespaceRef(c, n)) };
  }
  return {
    count: namespaces.length,
    totals: totalResources(namespaces),
    find: (cluster, name) => {
      const namespace = namespaces.find((n) => n.name === name && n.cluster === cluster);
      return namespace && { namespace, parsed: parseResources(namespace.resources) };
    },
  };
}

/** A rule appends its reasons; it never throws on request data. */
export type Rule = (ctx: RuleContext, out: Reason[]) => void;

const parsedTiers = new WeakMap<Tier, ParsedResources>();

/** A tier's resources, parsed once per tier object. Throws QuantityError on invalid stored data. */
export function tierResources(tier: Tier): ParsedResources {
  let parsed = parsedTiers.get(tier);
  if (!parsed) {
    parsed = parseResources(tier.resources);
    parsedTiers.set(tier, parsed);
  }
  return parsed;
}

export function hasTier(request: NamespaceRequest): boolean {
  return typeof request.tier === 'string' && request.tier.length > 0;
}

export function hasResources(request: NamespaceRequest): boolean {
  if (request.resources == null) return false;
  for (const _ in request.resources) return true;
  return false;
}

/** A Change that keeps the approved quota: its resources are the namespace's current ones. */
export function keepsResources(ctx: Pick<RuleContext, 'request' | 'current'>): boolean {
  return ctx.request.kind === 'Change' && ctx.request.keepResources === true && ctx.current !== undefined;
}

function requestedResources(ctx: Omit<RuleContext, 'requested'>): ParsedResources | null {
  const { request } = ctx;
  if (keepsResources(ctx)) return ctx.current!.parsed;
  const tier = hasTier(request);
  if (tier === hasResources(request)) return null;
  if (tier) {
    const t = ctx.tier(request.tier as string);
    return t && ctx.snapshot.tenant.allowedTiers.includes(t.name) ? tierResources(t) : null;
  }
  const resources = request.resources as Record<string, string>;
  for (const key in resources) {
    try {
      parseQuantity(resources[key]);
    } catch {
      return null;
    }
  }
  return parseResources(resources);
}

export function buildContext(snapshot: PolicySnapshot, options: ResolvedOptions): RuleContext {
  const { request, tiers } = snapshot;
  const usage = usageOf(snapshot.namespaces);
  const base = {
    snapshot,
    request,
    options,
    usage,
    current: request.kind === 'Create' ? undefined : usage.find(request.cluster, request.name),
    tier: (name: string) => tiers.find((t) => t.name === name),
  };
  return { ...base, requested: requestedResources(base) };
}
