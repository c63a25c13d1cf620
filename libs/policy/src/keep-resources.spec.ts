import { evaluate } from './evaluate';
import { codes, snapshot, TIERS } from './testing/fixtures';

/** acme-a was approved on tier small with { requests.cpu: 1, limits.memory: 8Gi }; the tier has changed since. */
const grown = TIERS.map((t) => (t.name === 'small' ? { ...t, resources: { 'requests.cpu': '100', 'limits.memory': '2Gi' } } : t));
const change = (extra = {}) => ({ kind: 'Change' as const, name: 'acme-a', tier: 'small', labels: { team: 'web' }, ...extra });

describe('a Change that keeps the quota (keepResources)', () => {
  it('re-judges the tier as it is now without the flag (the bug: a label change denied for budget)', () => {
    expect(codes(evaluate(snapshot(change(), { tiers: grown })))).toEqual(['budget.exceeded']);
  });

  it('is never denied for budget, whatever the tier became', () => {
    const d = evaluate(snapshot(change({ keepResources: true }), { tiers: grown }));
    expect(d).toEqual({ outcome: 'approve', reasons: [] });
  });

  it('does not re-judge a tier the tenant may no longer use, or one that needs approval now', () => {
    expect(evaluate(snapshot(change({ keepResources: true, tier: 'large' }))).outcome).toBe('approve');
    const tenant = { ...snapshot().tenant, allowedTiers: ['medium'] };
    expect(evaluate(snapshot(change({ keepResources: true }), { tenant })).outcome).toBe('approve');
  });

  it('still applies every other rule', () => {
    expect(codes(evaluate(snapshot(change({ keepResources: true, labels: { 'berth.dev/x': 'y' } }))))).toEqual(['labels.reserved']);
    expect(codes(evaluate(snapshot(change({ keepResources: true, name: 'acme-zzz' }))))).toEqual(['namespace.not-found']);
  });

  it('is ignored on Create', () => {
    expect(codes(evaluate(snapshot({ name: 'acme-new', tier: 'small', keepResources: true }, { tiers: grown })))).toEqual(['budget.exceeded']);
  });
});
