import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';
import type { NamespaceUsage, PolicySnapshot } from '../types';

const explicit = (resources: Record<string, string>, patch: Partial<PolicySnapshot> = {}) => snapshot({ tier: undefined, resources }, patch);
/** A tenant without a storage budget whose namespaces each hold 1Pi of storage. */
const holding = (count: number): NamespaceUsage[] =>
  Array.from({ length: count }, (_, i) => ({ name: `acme-big-${i}`, cluster: 'prod-1', resources: { 'requests.storage': '1Pi' } }));
const noStorageBudget = { tenant: { ...snapshot().tenant, budget: {}, budgetNamespaces: null } };

describe('quantities the quota ledger can hold (bigint milli-units)', () => {
  it('denies one quantity above 1Pi, naming the limit', () => {
    const d = evaluate(explicit({ 'requests.storage': '2Pi' }));
    expect(d.outcome).toBe('deny');
    expect(codes(d)).toContain('resources.too-large');
    const reason = d.reasons.find((r) => r.code === 'resources.too-large');
    expect(reason).toMatchObject({ field: 'resources.requests.storage', limit: '1Pi', requested: '2Pi' });
    expect(reason?.message).toContain('1Pi');
  });

  it.each(['9Ei', '1e64', '9223372036854775807'])('denies %s (would overflow the ledger)', (q) => {
    expect(codes(evaluate(explicit({ 'requests.cpu': q })))).toContain('resources.too-large');
  });

  it('allows a tenant total of exactly 8Pi and denies the request that would pass it', () => {
    const seven = { ...noStorageBudget, namespaces: holding(7) };
    expect(codes(evaluate(explicit({ 'requests.storage': '1Pi' }, seven)))).not.toContain('resources.tenant-total-too-large');
    const eight = { ...noStorageBudget, namespaces: holding(8) };
    const d = evaluate(explicit({ 'requests.storage': '1' }, eight));
    expect(d.outcome).toBe('deny');
    const reason = d.reasons.find((r) => r.code === 'resources.tenant-total-too-large');
    expect(reason).toMatchObject({ field: 'resources.requests.storage', limit: '8Pi', used: '8Pi' });
  });

  it('never denies shrinking or keeping a namespace at the limit', () => {
    const eight = { ...noStorageBudget, namespaces: holding(8) };
    const change = snapshot({ kind: 'Change', name: 'acme-big-0', tier: undefined, resources: { 'requests.storage': '1Pi' } }, eight);
    expect(codes(evaluate(change))).not.toContain('resources.tenant-total-too-large');
  });
});
