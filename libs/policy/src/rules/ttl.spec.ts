import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';

describe('ttl', () => {
  it.each<[string, string[]]>([
    ['72h', []],
    ['90m', []],
    ['1h30m', []],
    ['3600s', []],
    ['7d', []],
    ['30d', []],
    ['720h', []],
    ['720h1s', ['ttl.exceeds-max']],
    ['31d', ['ttl.exceeds-max']],
    ['0h', ['ttl.invalid']],
    ['', ['ttl.invalid']],
    ['1.5h', ['ttl.invalid']],
    ['-1h', ['ttl.invalid']],
    ['10', ['ttl.invalid']],
    ['1w', ['ttl.invalid']],
    ['100ms', ['ttl.invalid']],
    ['1h 30m', ['ttl.invalid']],
  ])('%j → %j', (ttl, expected) => {
    expect(codes(evaluate(snapshot({ ttl })))).toEqual(expected);
  });

  it('reports the limit', () => {
    expect(evaluate(snapshot({ ttl: '800h' })).reasons[0]).toMatchObject({
      field: 'ttl',
      limit: '720h',
      requested: '800h',
      message: 'ttl 800h exceeds the maximum of 720h',
    });
  });

  it('maxTtl is configurable', () => {
    expect(codes(evaluate(snapshot({ ttl: '2d' }), { maxTtl: '24h' }))).toEqual(['ttl.exceeds-max']);
    expect(() => evaluate(snapshot(), { maxTtl: 'forever' })).toThrow(/maxTtl/);
  });
});
