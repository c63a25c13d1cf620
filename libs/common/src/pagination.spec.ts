import { BadInputError } from './errors';
import { PageCursor, toPage } from './pagination';

const names = new PageCursor('clusters', (key) => /^[a-z0-9-]+$/.test(key));
const ids = new PageCursor('members', (key) => /^[0-9a-f-]{36}$/.test(key));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('PageCursor', () => {
  it('round-trips its own keys', () => {
    expect(names.decode(names.encode('prod-eu'))).toBe('prod-eu');
    expect(names.decode(undefined)).toBeUndefined();
  });

  it.each([
    ['another list', () => ids.encode('00000000-0000-4000-8000-000000000000')],
    ['no list at all', () => b64('prod-eu')],
    ['a key of the wrong type', () => names.encode('Not A Name')],
    ['an empty key', () => names.encode('')],
    ['a control character', () => names.encode('a\u0000b')],
    ['bytes that are not UTF-8', () => Buffer.from([0x63, 0x6c, 0xed, 0xa0, 0x80]).toString('base64url')],
    ['padding', () => `${names.encode('prod')}=`],
    ['characters outside base64url', () => '!!!'],
    ['a JSON object', () => b64('{"name":"prod"}')],
  ])('refuses a cursor of %s with a 400 naming the field', (_what, cursor) => {
    const attempt = () => names.decode(cursor());
    expect(attempt).toThrow(BadInputError);
    try {
      attempt();
    } catch (error) {
      expect((error as BadInputError).details).toEqual([expect.objectContaining({ field: 'cursor', code: 'invalid' })]);
    }
  });

  it('toPage hands out a cursor of its list only when there is more', () => {
    const rows = ['a', 'b', 'c'];
    const page = toPage(
      names,
      rows,
      2,
      (r) => r,
      (r) => r.toUpperCase(),
    );
    expect(page.items).toEqual(['A', 'B']);
    expect(names.decode(page.nextCursor!)).toBe('b');
    expect(() => ids.decode(page.nextCursor!)).toThrow(BadInputError);
    expect(
      toPage(
        names,
        rows,
        3,
        (r) => r,
        (r) => r,
      ).nextCursor,
    ).toBeNull();
  });
});
