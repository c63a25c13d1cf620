import {
  compareQuantities,
  formatQuantity,
  isQuantityWithin,
  isValidQuantity,
  MAX_QUANTITY,
  MAX_QUANTITY_MILLI,
  MAX_TENANT_TOTAL,
  MAX_TENANT_TOTAL_MILLI,
  parseQuantity,
  QuantityError,
  toMilli,
} from './quantity';

describe('parseQuantity', () => {
  it.each<[string, bigint]>([
    ['0', 0n],
    ['1', 1000n],
    ['+1', 1000n],
    ['0.5', 500n],
    ['500m', 500n],
    ['.5', 500n],
    ['1.', 1000n],
    ['1500m', 1500n],
    ['1.5', 1500n],
    ['2', 2000n],
    ['1k', 1_000_000n],
    ['1e3', 1_000_000n],
    ['1E3', 1_000_000n],
    ['1000', 1_000_000n],
    ['1.5E-3', 2n], // 1.5m rounds up to 2m
    ['1e-3', 1n],
    ['1Ki', 1_024_000n],
    ['1Gi', 1_073_741_824_000n],
    ['1073741824', 1_073_741_824_000n],
    ['1.5Gi', 1_610_612_736_000n],
    ['48Gi', 48n * 1024n ** 3n * 1000n],
    ['1Ei', 1024n ** 6n * 1000n],
    ['1M', 1_000_000_000n],
    ['1G', 10n ** 12n],
    ['1T', 10n ** 15n],
    ['1P', 10n ** 18n],
    ['1E', 10n ** 21n],
    ['1n', 1n], // rounded up to the next milli-unit
    ['1u', 1n],
    ['0.0001', 1n],
    ['1000u', 1n],
    ['1001u', 2n],
    ['0m', 0n],
    ['0.000', 0n],
    ['100m', 100n],
    ['12345678901234567890', 12345678901234567890000n], // beyond Number precision, still exact
  ])('%s → %s milli', (input, milli) => {
    expect(parseQuantity(input)).toBe(milli);
    expect(toMilli(input)).toBe(milli);
    expect(isValidQuantity(input)).toBe(true);
  });

  it.each([
    '',
    ' ',
    ' 1',
    '1 ',
    '1.2.3',
    'Gi',
    '1GB',
    '1K',
    'NaN',
    'Infinity',
    '-1',
    '-0',
    '-500m',
    '.',
    '1e',
    '1e1000',
    '0x10',
    '1_000',
    '1mi',
    '1gi',
    'm',
    '1e3m',
    '1'.repeat(65),
  ])('rejects %j', (input) => {
    expect(isValidQuantity(input)).toBe(false);
    expect(() => parseQuantity(input)).toThrow(QuantityError);
  });

  it('explains the problem', () => {
    expect(() => parseQuantity('-1')).toThrow('invalid quantity "-1": negative quantities are not allowed');
    expect(() => parseQuantity('1GB')).toThrow(/expected a number with an optional suffix/);
  });
});

describe('compareQuantities', () => {
  it.each<[string, string, -1 | 0 | 1]>([
    ['0.5', '500m', 0],
    ['1Gi', '1073741824', 0],
    ['1e3', '1k', 0],
    ['1k', '1000', 0],
    ['1Ki', '1k', 1],
    ['999m', '1', -1],
    ['1n', '1m', 0], // both round to 1m
    ['2Gi', '2G', 1],
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(compareQuantities(a, b)).toBe(expected);
  });
});

describe('formatQuantity', () => {
  it.each<[bigint, 'binary' | 'decimal' | undefined, string]>([
    [0n, undefined, '0'],
    [500n, undefined, '500m'],
    [1500n, undefined, '1500m'],
    [2000n, undefined, '2'],
    [1_000_000n, undefined, '1k'],
    [1_500_000n, undefined, '1500'],
    [48n * 1024n ** 3n * 1000n, 'binary', '48Gi'],
    [48n * 1024n ** 3n * 1000n, 'decimal', '51539607552'],
    [1_024_000n, 'binary', '1Ki'],
    [1_000_000n, 'binary', '1k'], // not a multiple of 1024: decimal
    [1536n * 1024n * 1000n, 'binary', '1536Ki'],
    [1024n ** 7n * 1000n, 'binary', '1024Ei'],
    [10n ** 21n, undefined, '1E'],
    [-500n, undefined, '-500m'],
  ])('%s (%s) → %s', (milli, hint, expected) => {
    expect(formatQuantity(milli, hint)).toBe(expected);
  });

  it.each(['500m', '2', '1k', '48Gi', '1Ki', '1536Ki', '1E'])('round-trips %s', (s) => {
    const hint = s.endsWith('i') ? 'binary' : 'decimal';
    expect(formatQuantity(parseQuantity(s), hint)).toBe(s);
  });
});

describe('quantity limits (the ledger holds bigint milli-units)', () => {
  it('puts both limits below 2^63-1 milli-units, the tenant total eight times one quantity', () => {
    expect(parseQuantity(MAX_QUANTITY)).toBe(MAX_QUANTITY_MILLI);
    expect(parseQuantity(MAX_TENANT_TOTAL)).toBe(MAX_TENANT_TOTAL_MILLI);
    expect(MAX_TENANT_TOTAL_MILLI).toBe(8n * MAX_QUANTITY_MILLI);
    expect(MAX_TENANT_TOTAL_MILLI).toBeLessThanOrEqual(2n ** 63n - 1n);
  });

  it.each([
    ['1Pi', true],
    ['1024Ti', true],
    ['1125899906842624', true],
    ['1125899906842624001m', false],
    ['2Pi', false],
    ['9Ei', false],
    ['1e64', false],
    ['9223372036854775807', false],
    ['1e19', false],
    ['2x', false],
  ])('isQuantityWithin(%s, 1Pi) is %s', (input: string, ok: boolean) => {
    expect(isQuantityWithin(input, MAX_QUANTITY_MILLI)).toBe(ok);
  });
});
