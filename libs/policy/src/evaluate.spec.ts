import { decide, evaluate } from './evaluate';
import { REASON_CODES } from './reasons';
import { formatResources, parseResources, prepareNamespaces, sumResources } from './resources';
import { codes, NAMESPACES, snapshot } from './testing/fixtures';
import type { Reason } from './types';

const r = (severity: Reason['severity']): Reason => ({ code: 'x', message: 'x', severity });

describe('decide', () => {
  it.each<[Reason['severity'][], string]>([
    [[], 'approve'],
    [['needs-approval'], 'needs-approval'],
    [['needs-approval', 'deny'], 'deny'],
    [['deny', 'needs-approval'], 'deny'],
  ])('%j → %s', (severities, outcome) => {
    expect(decide(severities.map(r)).outcome).toBe(outcome);
  });
});

describe('evaluate', () => {
  it('approves a plain request with no reasons', () => {
    expect(evaluate(snapshot())).toEqual({ outcome: 'approve', reasons: [] });
  });

  it('collects reasons from every rule', () => {
    const d = evaluate(
      snapshot({
        name: 'Web',
        tier: 'huge',
        labels: { 'berth.dev/x': 'y' },
        access: [{ subject: { kind: 'User', name: 'a' }, role: 'root' }],
        ttl: '1y',
      }),
    );
    expect(codes(d)).toEqual(['name.invalid', 'tier.unknown', 'labels.reserved', 'access.role-not-allowed', 'ttl.invalid']);
    expect(d.outcome).toBe('deny');
  });

  it('every code emitted is a documented code', () => {
    const all = new Set<string>(REASON_CODES);
    const d = evaluate(snapshot({ name: 'x', tier: 'large', ttl: '0s', labels: { 'a b': '' } }, { cluster: null }));
    for (const c of codes(d)) expect(all.has(c)).toBe(true);
  });

  it('does not mutate the snapshot', () => {
    const s = snapshot({ tier: undefined, resources: { 'limits.memory': '16Gi' } });
    const copy = structuredClone(s);
    evaluate(s);
    expect(s).toEqual(copy);
  });
});

describe('resource helpers', () => {
  it.each<[Record<string, string>, Record<string, string>]>([
    [{ 'requests.cpu': '0.5' }, { 'requests.cpu': '500m' }],
    [{ 'limits.memory': '1073741824' }, { 'limits.memory': '1Gi' }],
    [{ 'requests.cpu': '1e3' }, { 'requests.cpu': '1k' }],
    [
      { cpu: '250m', memory: '512Mi' },
      { 'requests.cpu': '250m', 'requests.memory': '512Mi' },
    ],
  ])('parseResources(%j) formats as %j', (input, expected) => {
    expect(formatResources(parseResources(input))).toEqual(expected);
  });

  it('sumResources sums exactly across spellings', () => {
    const total = sumResources([
      { 'requests.cpu': '0.5', 'limits.memory': '1Gi' },
      { cpu: '500m', 'limits.memory': '1073741824' },
      parseResources({ 'requests.cpu': '1' }),
    ]);
    expect(formatResources(total)).toEqual({ 'requests.cpu': '2', 'limits.memory': '2Gi' });
  });

  it('prepareNamespaces totals the tenant', () => {
    expect(formatResources(prepareNamespaces(NAMESPACES).totals)).toEqual({
      'requests.cpu': '4',
      'limits.memory': '40Gi',
      'requests.storage': '10Gi',
    });
  });
});
