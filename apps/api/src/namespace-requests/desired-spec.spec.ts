import type { Tier } from '@berth/policy';
import { approvedQuota, DesiredSpec, keepsQuota, LimitRangeSpec, mergeSpec, specFromInput } from './desired-spec';

const spec = (over: Partial<DesiredSpec> = {}): DesiredSpec => ({
  tier: 'small',
  labels: { team: 'web' },
  annotations: {},
  access: [{ subject: { kind: 'User', name: 'ann' }, role: 'edit' }],
  networkPolicy: 'isolated',
  ...over,
});
const limits = (cpu: string): LimitRangeSpec => ({ default: { cpu } });
const tiers: Tier[] = [
  { name: 'small', resources: { 'requests.cpu': '1' }, limitRange: limits('100m'), autoApprove: true },
  { name: 'large', resources: { 'requests.cpu': '8' }, autoApprove: true },
];

describe('mergeSpec: the desired state after a change', () => {
  it('replaces only the fields the patch names; the rest stays as it was', () => {
    const next = mergeSpec(spec({ ttl: '1h', protected: true }), { labels: { team: 'api' } });
    expect(next).toEqual(spec({ ttl: '1h', protected: true, labels: { team: 'api' } }));
  });

  it('a tier drops explicit resources, and explicit resources drop the tier', () => {
    expect(mergeSpec(spec({ tier: undefined, resources: { 'requests.cpu': '2' } }), { tier: 'large' })).toEqual(spec({ tier: 'large' }));
    const explicit = mergeSpec(spec(), { resources: { 'requests.cpu': '2' } });
    expect(explicit).toEqual({ ...spec({ resources: { 'requests.cpu': '2' } }), tier: undefined });
    expect('tier' in explicit).toBe(false);
  });

  it('an empty map or list replaces (clears) the current one; false unprotects', () => {
    const next = mergeSpec(spec({ protected: true }), { labels: {}, access: [], protected: false });
    expect(next).toMatchObject({ labels: {}, access: [], protected: false });
  });

  it('copies access entries down to their known fields and never shares objects with its inputs', () => {
    const current = spec();
    const access = [{ subject: { kind: 'Group' as const, name: 'ops', extra: 'x' }, role: 'view', note: 'y' }];
    const next = mergeSpec(current, { access });
    expect(next.access).toEqual([{ subject: { kind: 'Group', name: 'ops' }, role: 'view' }]);
    next.labels.team = 'changed';
    expect(current.labels.team).toBe('web');
  });
});

describe('specFromInput: a new namespace', () => {
  it('fills the defaults: no labels, annotations or access, isolated network policy, no limit override', () => {
    expect(specFromInput({ tier: 'small' })).toEqual({ tier: 'small', limitRange: null, labels: {}, annotations: {}, access: [], networkPolicy: 'isolated' });
  });
});

describe('keepsQuota: whether a change re-sizes the namespace', () => {
  it('the same tier keeps it, another tier or explicit resources do not', () => {
    expect(keepsQuota(spec(), spec({ labels: {} }))).toBe(true);
    expect(keepsQuota(spec(), spec({ tier: 'large' }))).toBe(false);
    expect(keepsQuota(spec(), spec({ tier: undefined, resources: { 'requests.cpu': '1' } }))).toBe(false);
  });

  it('explicit resources are compared as maps (key order does not matter)', () => {
    const a = spec({ tier: undefined, resources: { 'requests.cpu': '1', 'limits.memory': '1Gi' } });
    const b = spec({ tier: undefined, resources: { 'limits.memory': '1Gi', 'requests.cpu': '1' } });
    expect(keepsQuota(a, b)).toBe(true);
    expect(keepsQuota(a, spec({ tier: undefined, resources: { 'requests.cpu': '2', 'limits.memory': '1Gi' } }))).toBe(false);
  });
});

describe('approvedQuota: the ResourceQuota and LimitRange an approval freezes', () => {
  it('a new namespace takes its tier as the tier is now', () => {
    expect(approvedQuota(spec(), undefined, tiers)).toEqual({ resources: { 'requests.cpu': '1' }, limitRange: limits('100m') });
  });

  it('a change that keeps the tier keeps the resources and limits approved earlier, even if the tier changed since', () => {
    const current = { spec: spec(), resources: { 'requests.cpu': '500m' }, limitRange: limits('50m') };
    expect(approvedQuota(spec({ labels: { team: 'api' } }), current, tiers)).toEqual({ resources: { 'requests.cpu': '500m' }, limitRange: limits('50m') });
  });

  it('another tier re-sizes from that tier; a new limit override replaces the kept limits', () => {
    const current = { spec: spec(), resources: { 'requests.cpu': '500m' }, limitRange: limits('50m') };
    expect(approvedQuota(spec({ tier: 'large' }), current, tiers)).toEqual({ resources: { 'requests.cpu': '8' }, limitRange: null });
    expect(approvedQuota(spec({ limitRange: limits('200m') }), current, tiers)).toEqual({ resources: { 'requests.cpu': '500m' }, limitRange: limits('200m') });
  });
});
