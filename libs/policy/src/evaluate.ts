import { buildContext, type Rule } from './context';
import { resolveOptions } from './options';
import { deny, show } from './reasons';
import { checkAccess } from './rules/access';
import { checkBudget } from './rules/budget';
import { checkCluster } from './rules/cluster';
import { checkDeleteProtected } from './rules/delete';
import { checkAnnotations, checkLabels } from './rules/metadata';
import { checkExists, checkName } from './rules/naming';
import { checkNetworkPolicy } from './rules/network-policy';
import { checkTierAndResources } from './rules/resources';
import { checkTtl } from './rules/ttl';
import type { Decision, PolicyOptions, PolicySnapshot, Reason } from './types';

const SPEC_RULES: readonly Rule[] = [
  checkCluster,
  checkTierAndResources,
  checkBudget,
  checkLabels,
  checkAnnotations,
  checkAccess,
  checkNetworkPolicy,
  checkTtl,
];

/**
 * Rules per request kind. Create checks the name; Change checks that the namespace exists (its
 * name was checked when it was created); both check the full desired state. Delete only asks
 * for approval of protected namespaces.
 */
const RULES: Readonly<Record<string, readonly Rule[]>> = {
  Create: [checkName, ...SPEC_RULES],
  Change: [checkExists, ...SPEC_RULES],
  Delete: [checkDeleteProtected],
};

/** deny if any reason denies, else needs-approval if any reason asks for it, else approve. */
export function decide(reasons: Reason[]): Decision {
  let outcome: Decision['outcome'] = 'approve';
  for (const r of reasons) {
    if (r.severity === 'deny') return { outcome: 'deny', reasons };
    outcome = 'needs-approval';
  }
  return { outcome, reasons };
}

/**
 * Evaluates one request against a snapshot. Pure and synchronous. Request data never throws (it
 * yields reasons); invalid stored data (a tier, budget or namespace quantity) throws QuantityError.
 * For speed, pass the same `options` object each time and prepared namespaces
 * (`prepareNamespaces`) when evaluating many requests for one tenant.
 */
export function evaluate(snapshot: PolicySnapshot, options?: Partial<PolicyOptions>): Decision {
  const reasons: Reason[] = [];
  const rules = RULES[snapshot.request.kind];
  if (!rules) {
    reasons.push(deny('request.invalid-kind', `kind ${show(snapshot.request.kind)} must be Create, Change or Delete`, { field: 'kind' }));
    return decide(reasons);
  }
  const ctx = buildContext(snapshot, resolveOptions(options));
  for (const rule of rules) rule(ctx, reasons);
  return decide(reasons);
}
