import { isValidQuantity, MAX_QUANTITY, MAX_QUANTITY_MILLI, parseQuantity } from '@berth/quantities';
import { hasResources, hasTier, keepsResources, tierResources, type RuleContext } from '../context';
import { deny, needsApproval, show } from '../reasons';
import { canonicalResourceKey, formatResource } from '../resources';
import type { ParsedResources, Reason, Tier } from '../types';

/** Distance charged for a requested key the tier does not grant at all (as if 1000× over). */
const MISSING_KEY_DISTANCE = 1000;

function isKnownKey(ctx: RuleContext, key: string): boolean {
  if (ctx.options.knownResourceKeys.has(key)) return true;
  for (const pattern of ctx.options.resourceKeyPatterns) if (pattern.test(key)) return true;
  return false;
}

/**
 * How far `requested` is above `tier`: the sum over requested keys of the relative excess
 * (requested − granted) / granted; a key the tier does not grant counts MISSING_KEY_DISTANCE.
 * 0 means the request fits the tier. Units differ per key, hence relative excess.
 */
export function tierDistance(requested: ParsedResources, tier: ParsedResources): number {
  let distance = 0;
  for (const [key, want] of requested) {
    if (want === 0n) continue;
    const granted = tier.get(key) ?? 0n;
    if (want <= granted) continue;
    distance += granted === 0n ? MISSING_KEY_DISTANCE : Number(want - granted) / Number(granted);
  }
  return distance;
}

/**
 * A tier, or explicit resources — exactly one. A tier must exist and be allowed; one without
 * autoApprove needs approval. Explicit resources must use known keys and valid quantities; they
 * approve when they fit within an allowed auto-approving tier, need approval when they fit only a
 * tier that requires approval, and otherwise need approval with one reason per key above the
 * closest allowed tier (smallest tierDistance; ties go to the first in tenant.allowedTiers).
 */
export function checkTierAndResources(ctx: RuleContext, out: Reason[]): void {
  // The quota was judged when it was approved; a change that keeps it does not re-open that decision.
  if (keepsResources(ctx)) return;
  const { request } = ctx;
  const tier = hasTier(request);
  const resources = hasResources(request);
  if (tier === resources) {
    const message = tier ? 'choose a tier or explicit resources, not both' : 'choose a tier or give explicit resources';
    out.push(deny('resources.missing', message, { field: 'resources' }));
    return;
  }
  if (tier) checkTier(ctx, request.tier as string, out);
  else checkExplicit(ctx, request.resources as Record<string, string>, out);
}

function checkTier(ctx: RuleContext, name: string, out: Reason[]): void {
  const t = ctx.tier(name);
  const field = 'tier';
  if (!t) out.push(deny('tier.unknown', `tier ${show(name)} does not exist`, { field }));
  else if (!ctx.snapshot.tenant.allowedTiers.includes(name)) {
    out.push(deny('tier.not-allowed', `tenant ${show(ctx.snapshot.tenant.name)} may not use tier ${show(name)}`, { field }));
  } else if (!t.autoApprove) out.push(needsApproval('tier.requires-approval', `tier ${show(name)} requires approval`, { field }));
}

function checkExplicit(ctx: RuleContext, resources: Record<string, string>, out: Reason[]): void {
  const before = out.length;
  const seen = new Set<string>();
  for (const key in resources) {
    const field = `resources.${key}`;
    if (!isKnownKey(ctx, key)) out.push(deny('resources.unknown-key', `resource ${show(key)} is not a known ResourceQuota key`, { field }));
    if (!isValidQuantity(resources[key])) {
      out.push(deny('resources.invalid-quantity', `resource ${key}: ${show(resources[key])} is not a valid non-negative quantity`, { field }));
    } else if (parseQuantity(resources[key]) > MAX_QUANTITY_MILLI) {
      // The quota ledger holds bigint milli-units: larger values could not be stored or summed.
      out.push(
        deny('resources.too-large', `resource ${key}: ${show(resources[key])} exceeds the largest quantity Berth accepts (${MAX_QUANTITY})`, {
          field,
          limit: MAX_QUANTITY,
          requested: resources[key],
        }),
      );
    }
    const canonical = canonicalResourceKey(key);
    if (seen.has(canonical)) out.push(deny('resources.duplicate-key', `resource ${key} duplicates ${canonical}`, { field }));
    seen.add(canonical);
  }
  if (out.length > before || !ctx.requested) return;

  const requested = ctx.requested;
  const { allowedTiers } = ctx.snapshot.tenant;
  let closest: { tier: Tier; parsed: ParsedResources; distance: number } | undefined;
  let fitsApprovalOnly: Tier | undefined;
  for (const name of allowedTiers) {
    const tier = ctx.tier(name);
    if (!tier) continue;
    const parsed = tierResources(tier);
    const distance = tierDistance(requested, parsed);
    if (distance === 0) {
      if (tier.autoApprove) return;
      fitsApprovalOnly ??= tier;
    } else if (!closest || distance < closest.distance) closest = { tier, parsed, distance };
  }
  if (fitsApprovalOnly) {
    out.push(needsApproval('tier.requires-approval', `resources fit tier ${show(fitsApprovalOnly.name)}, which requires approval`, { field: 'resources' }));
    return;
  }
  if (!closest) {
    out.push(needsApproval('resources.exceeds-tier', 'explicit resources need approval: the tenant has no tier to compare with', { field: 'resources' }));
    return;
  }
  for (const key in resources) {
    const k = canonicalResourceKey(key);
    const want = requested.get(k) ?? 0n;
    const granted = closest.parsed.get(k);
    if (granted !== undefined ? want <= granted : want === 0n) continue;
    const limit = granted === undefined ? undefined : formatResource(k, granted);
    out.push(
      needsApproval(
        'resources.exceeds-tier',
        granted === undefined
          ? `${key} ${formatResource(k, want)} is not part of the closest tier ${show(closest.tier.name)}`
          : `${key} ${formatResource(k, want)} exceeds the closest tier ${show(closest.tier.name)} (${limit})`,
        { field: `resources.${key}`, requested: formatResource(k, want), ...(limit === undefined ? {} : { limit }) },
      ),
    );
  }
}
