import { BadInputError } from './errors';
import { createValidationPipe, deeperThan, MAX_INPUT_DEPTH } from './validation-pipe';

const pipe = createValidationPipe();
const body = { type: 'body' as const, metatype: Object };
const refusal = (value: unknown, type: 'body' | 'query' | 'param' = 'body') => {
  try {
    pipe.transform(value, { ...body, type });
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as BadInputError).details;
  }
  throw new Error('accepted');
};

describe('the validation pipe refuses text PostgreSQL cannot store, whatever the DTO', () => {
  it.each([
    ['a lone high surrogate in a value', { displayName: 'a\ud800b' }, 'displayName', 'lone-surrogate'],
    ['a lone low surrogate in a nested value', { subject: { name: '\udc00' } }, 'subject.name', 'lone-surrogate'],
    ['a lone surrogate in a map key', { labels: { '\ud800': 'x' } }, 'labels', 'lone-surrogate'],
    ['a lone surrogate in an array', { owners: ['ok', 'x\ud83d'] }, 'owners.1', 'lone-surrogate'],
    ['NUL in a value', { comment: 'a\u0000' }, 'comment', 'nul-character'],
  ])('%s', (_what, value, field, code) => {
    expect(refusal(value)).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
  });

  it('refuses query strings and path parameters the same way', () => {
    expect(refusal({ cursor: '\ud800' }, 'query')).toEqual([expect.objectContaining({ field: 'cursor', code: 'lone-surrogate' })]);
    expect(refusal({ tenant: '\udfff' }, 'param')).toEqual([expect.objectContaining({ field: 'tenant', code: 'lone-surrogate' })]);
  });

  it('accepts paired surrogates (emoji) and other Unicode', async () => {
    await expect(pipe.transform({ displayName: '🚢 Berth — ü' }, body)).resolves.toEqual({ displayName: '🚢 Berth — ü' });
  });

  it('bounds depth without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(deeperThan(deep, MAX_INPUT_DEPTH)).toBe(true);
    expect(refusal({ labels: deep })).toEqual([expect.objectContaining({ field: 'body', code: 'too-deep' })]);
    expect(deeperThan({ a: { b: [1] } }, MAX_INPUT_DEPTH)).toBe(false);
  });
});
