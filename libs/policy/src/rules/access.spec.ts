import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';
import type { AccessGrant } from '../types';

const grant = (kind: string, name: string, role: string) => ({ subject: { kind, name }, role }) as AccessGrant;

describe('access', () => {
  it.each<[string, AccessGrant[], string[]]>([
    ['user edit', [grant('User', 'alice@example.com', 'edit')], []],
    ['group view + admin', [grant('Group', 'devs', 'view'), grant('User', 'bob', 'admin')], []],
    ['cluster-admin', [grant('User', 'bob', 'cluster-admin')], ['access.role-not-allowed']],
    ['empty role', [grant('User', 'bob', '')], ['access.role-not-allowed']],
    ['ServiceAccount kind', [grant('ServiceAccount', 'sa', 'view')], ['access.invalid-subject']],
    ['empty name', [grant('User', '', 'view')], ['access.invalid-subject']],
    ['257 characters', [grant('User', 'x'.repeat(257), 'view')], ['access.invalid-subject']],
    ['256 characters', [grant('User', 'x'.repeat(256), 'view')], []],
    ['newline', [grant('User', 'bob\nadmin', 'view')], ['access.invalid-subject']],
    ['NUL', [grant('Group', 'a\u0000', 'view')], ['access.invalid-subject']],
    ['both wrong', [grant('Robot', 'r', 'root')], ['access.invalid-subject', 'access.role-not-allowed']],
  ])('%s', (_, access, expected) => {
    expect(codes(evaluate(snapshot({ access })))).toEqual(expected);
  });

  it('points at the offending entry', () => {
    const d = evaluate(snapshot({ access: [grant('User', 'a', 'view'), grant('User', 'b', 'root')] }));
    expect(d.reasons[0].field).toBe('access[1].role');
  });

  it('allowed roles are configurable', () => {
    expect(codes(evaluate(snapshot({ access: [grant('User', 'a', 'admin')] }), { allowedClusterRoles: ['view'] }))).toEqual(['access.role-not-allowed']);
  });

  it('network policy mode is checked', () => {
    expect(codes(evaluate(snapshot({ networkPolicy: 'tenant' })))).toEqual([]);
    expect(codes(evaluate(snapshot({ networkPolicy: 'everything' as never })))).toEqual(['network-policy.invalid']);
  });
});
