import { evaluate } from '../evaluate';
import { prepareNamespaces } from '../resources';
import { codes, NAMESPACES, snapshot } from '../testing/fixtures';
import type { PolicySnapshot } from '../types';

// Fixture usage: requests.cpu 4 of 8, limits.memory 40Gi of 48Gi, requests.storage 10Gi of 100Gi.
const explicit = (resources: Record<string, string>, patch: Partial<PolicySnapshot> = {}) => snapshot({ tier: undefined, resources }, patch);

describe('budget', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['memory exactly fills the budget', { 'limits.memory': '8Gi' }, []],
    ['memory one byte over', { 'limits.memory': '8589934593' }, ['resources.exceeds-tier', 'budget.exceeded']],
    ['cpu exactly fills', { 'requests.cpu': '4' }, ['tier.requires-approval']],
    ['cpu 1m over', { 'requests.cpu': '4001m' }, ['resources.exceeds-tier', 'budget.exceeded']],
    ['cpu 3.9995 rounds up to 4', { 'requests.cpu': '3.9995' }, ['tier.requires-approval']],
    ['cpu 4.0005 rounds up to 4001m', { 'requests.cpu': '4.0005' }, ['resources.exceeds-tier', 'budget.exceeded']],
    ['cpu 1n over rounds up → over', { 'requests.cpu': '4000000001n' }, ['resources.exceeds-tier', 'budget.exceeded']],
    ['cpu alias counts against requests.cpu', { cpu: '4500m' }, ['resources.exceeds-tier', 'budget.exceeded']],
    ['1e3m is invalid, not 1', { 'requests.cpu': '1e3m' }, ['resources.invalid-quantity']],
    ['key not in budget is unlimited', { pods: '1000' }, ['resources.exceeds-tier']],
    ['storage well within', { 'requests.storage': '20Gi' }, []],
    ['0.5 == 500m within', { 'requests.cpu': '0.5' }, []],
  ])('%s', (_, resources, expected) => {
    expect(codes(evaluate(explicit(resources)))).toEqual(expected);
  });

  it('writes a precise message', () => {
    const d = evaluate(explicit({ 'limits.memory': '16Gi' }));
    const reason = d.reasons.find((r) => r.code === 'budget.exceeded');
    expect(reason).toEqual({
      code: 'budget.exceeded',
      message: 'limits.memory 16Gi exceeds budget: used 40Gi of 48Gi',
      field: 'resources.limits.memory',
      limit: '48Gi',
      requested: '16Gi',
      used: '40Gi',
      severity: 'deny',
    });
    expect(d.outcome).toBe('deny');
  });

  it('uses the tier resources when a tier is chosen', () => {
    const tenant = { ...snapshot().tenant, budget: { 'limits.memory': '41Gi' } };
    expect(codes(evaluate(snapshot({ tier: 'small' }, { tenant })))).toEqual(['budget.exceeded']);
    expect(codes(evaluate(snapshot({ tier: 'small' }, { tenant: { ...tenant, budget: { 'limits.memory': '42Gi' } } })))).toEqual([]);
  });

  it('budget quantities compare exactly across spellings', () => {
    const tenant = { ...snapshot().tenant, budget: { 'limits.memory': '51539607552', 'requests.cpu': '8000m' } };
    expect(codes(evaluate(explicit({ 'limits.memory': '8Gi', 'requests.cpu': '4' }, { tenant })))).toEqual(['tier.requires-approval']);
    const k = { ...tenant, budget: { 'requests.cpu': '1e1' } }; // 10 cpu: 4 used + 6 fits, 6001m does not
    expect(codes(evaluate(explicit({ 'requests.cpu': '6' }, { tenant: k })))).toEqual(['resources.exceeds-tier']);
    expect(codes(evaluate(explicit({ 'requests.cpu': '6001m' }, { tenant: k })))).toEqual(['resources.exceeds-tier', 'budget.exceeded']);
  });

  it('Change excludes the namespace being changed', () => {
    // acme-b holds 32Gi; changing it to 40Gi: 8Gi (acme-a) + 40Gi = 48Gi fits.
    const change = (mem: string) => snapshot({ kind: 'Change', name: 'acme-b', tier: undefined, resources: { 'limits.memory': mem } });
    expect(codes(evaluate(change('40Gi')))).toEqual(['resources.exceeds-tier']);
    const over = evaluate(change('41Gi'));
    expect(over.reasons.find((r) => r.code === 'budget.exceeded')?.message).toBe('limits.memory 41Gi exceeds budget: used 8Gi of 48Gi');
  });

  it('Change may shrink a namespace while over a lowered budget', () => {
    const tenant = { ...snapshot().tenant, budget: { 'limits.memory': '20Gi' } };
    const req = { kind: 'Change' as const, name: 'acme-b', tier: undefined, resources: { 'limits.memory': '8Gi' } };
    expect(codes(evaluate(snapshot(req, { tenant })))).toEqual([]);
  });

  it('namespace count', () => {
    const tenant = { ...snapshot().tenant, budgetNamespaces: 2 };
    const d = evaluate(snapshot({}, { tenant }));
    expect(d.reasons).toEqual([
      expect.objectContaining({ code: 'budget.namespaces-exceeded', message: 'namespace count exceeds budget: used 2 of 2', limit: '2', used: '2' }),
    ]);
    expect(evaluate(snapshot({}, { tenant: { ...tenant, budgetNamespaces: 3 } })).outcome).toBe('approve');
    expect(evaluate(snapshot({}, { tenant: { ...tenant, budgetNamespaces: null } })).outcome).toBe('approve');
    expect(evaluate(snapshot({ kind: 'Change', name: 'acme-a' }, { tenant })).outcome).toBe('approve');
  });

  it('prepared namespaces give the same decisions', () => {
    const prepared = prepareNamespaces(NAMESPACES);
    for (const mem of ['8Gi', '9Gi', '16Gi']) {
      const raw = evaluate(explicit({ 'limits.memory': mem }));
      expect(evaluate(explicit({ 'limits.memory': mem }, { namespaces: prepared }))).toEqual(raw);
    }
  });

  it('invalid stored data throws instead of deciding', () => {
    const tenant = { ...snapshot().tenant, budget: { 'limits.memory': 'lots' } };
    expect(() => evaluate(snapshot({}, { tenant }))).toThrow(/invalid quantity "lots"/);
  });
});
