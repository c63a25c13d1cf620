import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';

describe('delete', () => {
  it.each<[string, string, string, string[]]>([
    ['unprotected namespace', 'acme-a', 'approve', []],
    ['protected namespace', 'acme-b', 'needs-approval', ['delete.protected']],
    ['unknown namespace (the API answers 404 first)', 'acme-zzz', 'approve', []],
  ])('%s', (_, name, outcome, expected) => {
    const d = evaluate(snapshot({ kind: 'Delete', name, tier: undefined, labels: { 'berth.dev/x': 'y' } }, { cluster: null }));
    expect(d.outcome).toBe(outcome);
    expect(codes(d)).toEqual(expected);
  });

  it('protected only when the label is exactly "true"', () => {
    const namespaces = [{ name: 'acme-c', cluster: 'prod-1', resources: {}, labels: { 'berth.dev/protected': 'false' } }];
    expect(evaluate(snapshot({ kind: 'Delete', name: 'acme-c' }, { namespaces })).outcome).toBe('approve');
  });

  it('an unknown kind is denied', () => {
    expect(codes(evaluate(snapshot({ kind: 'Rename' as never })))).toEqual(['request.invalid-kind']);
  });
});
