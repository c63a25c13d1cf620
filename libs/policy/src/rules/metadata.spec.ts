import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';

describe('labels', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['simple', { team: 'payments' }, []],
    ['prefixed key', { 'example.com/team': 'a' }, []],
    ['empty value', { team: '' }, []],
    ['value with . _ -', { team: 'a.b_c-d' }, []],
    ['63-char name', { ['a'.repeat(63)]: 'x' }, []],
    ['64-char name', { ['a'.repeat(64)]: 'x' }, ['labels.invalid-key']],
    ['253-char prefix', { [`${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(67)}/x`]: 'v' }, []],
    ['254-char prefix', { [`${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(68)}/x`]: 'v' }, ['labels.invalid-key']],
    ['upper-case prefix', { 'Example.com/team': 'a' }, ['labels.invalid-key']],
    ['empty prefix', { '/team': 'a' }, ['labels.invalid-key']],
    ['empty name', { 'example.com/': 'a' }, ['labels.invalid-key']],
    ['two slashes', { 'a/b/c': 'a' }, ['labels.invalid-key']],
    ['space in key', { 'my team': 'a' }, ['labels.invalid-key']],
    ['64-char value', { team: 'v'.repeat(64) }, ['labels.invalid-value']],
    ['value ends with dash', { team: 'a-' }, ['labels.invalid-value']],
    ['value with slash', { team: 'a/b' }, ['labels.invalid-value']],
    ['berth.dev reserved', { 'berth.dev/protected': 'true' }, ['labels.reserved']],
    ['kubernetes.io reserved', { 'kubernetes.io/metadata.name': 'x' }, ['labels.reserved']],
    ['subdomain reserved', { 'node.kubernetes.io/role': 'x' }, ['labels.reserved']],
    ['pod-security reserved', { 'pod-security.kubernetes.io/enforce': 'privileged' }, ['labels.reserved']],
    ['flux reserved', { 'kustomize.toolkit.fluxcd.io/name': 'x' }, ['labels.reserved']],
    ['look-alike not reserved', { 'notkubernetes.io/x': 'y' }, []],
    ['invalid key and value', { 'a b': 'c d' }, ['labels.invalid-key', 'labels.invalid-value']],
  ])('%s', (_, labels, expected) => {
    expect(codes(evaluate(snapshot({ labels })))).toEqual(expected);
  });

  it('allow-list restricts user keys', () => {
    const options = { allowedLabelKeys: ['team', 'cost-center'] };
    expect(codes(evaluate(snapshot({ labels: { team: 'a', 'cost-center': 'b' } }), options))).toEqual([]);
    const d = evaluate(snapshot({ labels: { owner: 'me' } }), options);
    expect(d.reasons[0]).toMatchObject({ code: 'labels.not-allowed', field: 'labels.owner', severity: 'deny' });
  });
});

describe('annotations', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['free-form value', { description: 'Payments team / EU — prod' }, []],
    ['reserved', { 'berth.dev/owner': 'x' }, ['annotations.reserved']],
    ['invalid key', { 'bad key': 'x' }, ['annotations.invalid-key']],
    ['too large', { big: 'x'.repeat(256 * 1024) }, ['annotations.too-large']],
  ])('%s', (_, annotations, expected) => {
    expect(codes(evaluate(snapshot({ annotations })))).toEqual(expected);
  });

  it('allow-list', () => {
    expect(codes(evaluate(snapshot({ annotations: { x: 'y' } }), { allowedAnnotationKeys: ['description'] }))).toEqual(['annotations.not-allowed']);
  });
});
