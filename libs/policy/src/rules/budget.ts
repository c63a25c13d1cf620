import { MAX_TENANT_TOTAL, MAX_TENANT_TOTAL_MILLI, parseQuantity } from '@berth/quantities';
import type { RuleContext } from '../context';
import { deny } from '../reasons';
import { canonicalResourceKey, formatResource } from '../resources';
import type { ParsedResources, Reason } from '../types';

/**
 * The tenant's namespaces (the changed one excluded) plus this one must stay within the budget,
 * per key present in the budget, exactly (bigint milli-units). A key is only denied when this
 * request raises it (above 0 for Create, above the current value for Change): shrinking a
 * namespace while the tenant is over a lowered budget is allowed. Create also checks the count.
 */
export function checkBudget(ctx: RuleContext, out: Reason[]): void {
  const { tenant, request } = ctx.snapshot;
  const requested = ctx.requested;
  if (requested) checkLedgerLimit(ctx, requested, out);
  if (requested) {
    const { totals } = ctx.usage;
    const current = ctx.current?.parsed;
    for (const key in tenant.budget) {
      const k = canonicalResourceKey(key);
      const want = requested.get(k) ?? 0n;
      const previous = current?.get(k) ?? 0n;
      if (want <= previous) continue;
      const limit = parseQuantity(tenant.budget[key]);
      const used = (totals.get(k) ?? 0n) - previous;
      if (used + want <= limit) continue;
      const [w, u, l] = [formatResource(k, want), formatResource(k, used), formatResource(k, limit)];
      out.push(
        deny('budget.exceeded', `${key} ${w} exceeds budget: used ${u} of ${l}`, {
          field: `resources.${key}`,
          limit: l,
          requested: w,
          used: u,
        }),
      );
    }
  }
  const max = tenant.budgetNamespaces;
  if (request.kind === 'Create' && max != null && ctx.usage.count + 1 > max) {
    out.push(
      deny('budget.namespaces-exceeded', `namespace count exceeds budget: used ${ctx.usage.count} of ${max}`, {
        field: 'name',
        limit: String(max),
        requested: '1',
        used: String(ctx.usage.count),
      }),
    );
  }
}

/**
 * Whatever the budget, a tenant's total of one resource stays within what the quota ledger can sum
 * (MAX_TENANT_TOTAL, 8Pi as bigint milli-units). Like the budget, only a request that raises a key is denied.
 */
function checkLedgerLimit(ctx: RuleContext, requested: ParsedResources, out: Reason[]): void {
  const current = ctx.current?.parsed;
  for (const [k, want] of requested) {
    const previous = current?.get(k) ?? 0n;
    if (want <= previous) continue;
    const used = (ctx.usage.totals.get(k) ?? 0n) - previous;
    if (used + want <= MAX_TENANT_TOTAL_MILLI) continue;
    const [w, u] = [formatResource(k, want), formatResource(k, used)];
    out.push(
      deny(
        'resources.tenant-total-too-large',
        `${k} ${w} would take the tenant's total past ${MAX_TENANT_TOTAL}, the most Berth accounts per resource (used ${u})`,
        {
          field: `resources.${k}`,
          limit: MAX_TENANT_TOTAL,
          requested: w,
          used: u,
        },
      ),
    );
  }
}
