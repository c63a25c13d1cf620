import type { RuleContext } from '../context';
import { needsApproval, show } from '../reasons';
import type { Reason } from '../types';

export const PROTECTED_LABEL = 'berth.dev/protected';

/** Delete approves, unless the namespace's current labels mark it protected. */
export function checkDeleteProtected(ctx: RuleContext, out: Reason[]): void {
  if (ctx.current?.namespace.labels?.[PROTECTED_LABEL] === 'true') {
    out.push(
      needsApproval('delete.protected', `namespace ${show(ctx.request.name)} is protected (${PROTECTED_LABEL}: "true")`, {
        field: 'name',
      }),
    );
  }
}
