import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';
import type { TakenNames as PolicyTaken } from '../types';

describe('naming (Create)', () => {
  it.each<[string, string, string[]]>([
    ['valid prefixed name', 'acme-web', []],
    ['digits allowed', 'acme-1', []],
    ['63 characters', `acme-${'a'.repeat(58)}`, []],
    ['64 characters', `acme-${'a'.repeat(59)}`, ['name.invalid']],
    ['upper case', 'acme-Web', ['name.invalid']],
    ['underscore', 'acme_web', ['name.invalid']],
    ['trailing dash', 'acme-web-', ['name.invalid']],
    ['leading dash', '-acme-web', ['name.invalid']],
    ['dot', 'acme.web', ['name.invalid']],
    ['empty', '', ['name.invalid']],
    ['missing prefix', 'web', ['name.prefix']],
    ['prefix only', 'acme-', ['name.invalid']],
    ['other tenant prefix', 'other-api', ['name.prefix']],
    ['taken by this tenant', 'acme-a', ['name.taken']],
    ['taken by another tenant', 'other-web', ['name.prefix', 'name.taken']],
    ['reserved', 'default', ['name.prefix', 'name.reserved']],
    ['kube-* reserved', 'kube-foo', ['name.prefix', 'name.reserved']],
  ])('%s: %j', (_, name, expected) => {
    const d = evaluate(snapshot({ name }));
    expect(codes(d)).toEqual(expected);
    expect(d.outcome).toBe(expected.length ? 'deny' : 'approve');
  });

  it('reserved and kube-* apply without a prefix', () => {
    const options = { namePrefix: '' };
    expect(codes(evaluate(snapshot({ name: 'flux-system' }), options))).toEqual(['name.reserved']);
    expect(codes(evaluate(snapshot({ name: 'kube-anything' }), options))).toEqual(['name.reserved']);
    expect(codes(evaluate(snapshot({ name: 'web' }), options))).toEqual([]);
  });

  it.each<[string, PolicyTaken]>([
    ['array', ['acme-x']],
    ['function', (n: string) => n === 'acme-x'],
  ])('takenNames as %s', (_, takenNames) => {
    expect(codes(evaluate(snapshot({ name: 'acme-x' }, { takenNames })))).toEqual(['name.taken']);
  });

  it('uniqueness is per cluster for the tenant list', () => {
    const d = evaluate(
      snapshot(
        { name: 'acme-a', cluster: 'prod-2' },
        {
          cluster: { name: 'prod-2', labels: {} },
          takenNames: new Set(),
          tenant: { ...snapshot().tenant, allowedClusters: ['prod-1', 'prod-2'] },
        },
      ),
    );
    expect(d.outcome).toBe('approve');
  });

  it('Change requires an existing namespace and skips name checks', () => {
    expect(codes(evaluate(snapshot({ kind: 'Change', name: 'acme-a' })))).toEqual([]);
    expect(codes(evaluate(snapshot({ kind: 'Change', name: 'acme-zzz' })))).toEqual(['namespace.not-found']);
  });
});
