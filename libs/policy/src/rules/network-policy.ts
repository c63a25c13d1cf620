import type { RuleContext } from '../context';
import { deny, show } from '../reasons';
import type { Reason } from '../types';

const MODES: ReadonlySet<string> = new Set(['isolated', 'tenant', 'open']);

/** Optional network policy mode: one of isolated, tenant, open. */
export function checkNetworkPolicy(ctx: RuleContext, out: Reason[]): void {
  const mode = ctx.request.networkPolicy;
  if (mode !== undefined && !MODES.has(mode)) {
    out.push(deny('network-policy.invalid', `networkPolicy ${show(mode)} must be isolated, tenant or open`, { field: 'networkPolicy' }));
  }
}
