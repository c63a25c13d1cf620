/**
 * Kubernetes resource quantities (resource.Quantity), parsed exactly on bigint.
 *
 * Grammar (apimachinery `resource.ParseQuantity`, minus negatives):
 *   quantity ::= "+"? number suffix?
 *   number   ::= digits | digits "." digits? | "." digits
 *   suffix   ::= Ki | Mi | Gi | Ti | Pi | Ei          (binary, powers of 1024)
 *              | n | u | m | k | M | G | T | P | E   (decimal SI; "K" is not valid)
 *              | ("e" | "E") sign? digits            (decimal exponent, e.g. 1e3, 1.5E-3)
 *
 * Values are held in milli-units (1 === 0.001, 1000n === "1"). A value finer than a milli-unit
 * (`1n`, `1u`, `0.0001`) is rounded UP to the next milli-unit, as Kubernetes' `MilliValue()` /
 * `ScaledValue(-3)` do when ResourceQuota compares usage: rounding up never lets a request slip
 * under a limit. Negative quantities are rejected: nothing in Berth (requests, limits, budgets)
 * may be negative. @kubernetes/client-node's `quantityToScalar` was not reused: it uses floats
 * for fractions and suffixes n/u/m and cannot parse `1.5Gi`.
 */

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid quantity ${JSON.stringify(input)}: ${reason}`);
  }
}

const QUANTITY = /^\+?(\d+)?(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d{1,3})?$/;
/** Longest accepted input; bounds the size of the bigint arithmetic. */
const MAX_LENGTH = 64;
/** Largest accepted decimal exponent magnitude (the largest SI suffix, E, is 1e18). */
const MAX_EXPONENT = 64;

const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const DECIMAL_SUFFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'] as const;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function parseUncached(input: string): bigint {
  if (typeof input !== 'string' || input.length === 0) throw new QuantityError(String(input), 'empty');
  if (input.length > MAX_LENGTH) throw new QuantityError(input, `longer than ${MAX_LENGTH} characters`);
  if (input.charCodeAt(0) === 45 /* - */) throw new QuantityError(input, 'negative quantities are not allowed');
  const m = QUANTITY.exec(input);
  if (m === null) throw new QuantityError(input, 'expected a number with an optional suffix (e.g. 500m, 2, 1.5Gi, 1e3)');
  const [, whole = '', frac = '', suffix = ''] = m;
  if (whole.length === 0 && frac.length === 0) throw new QuantityError(input, 'no digits');

  // value = mantissa * 10^(exp10 - frac.length) * 1024^binary, times 1000 for milli-units.
  let mantissa = BigInt(whole + frac);
  let exp10 = 3 - frac.length;
  if (suffix in BINARY_POWER) mantissa *= 1024n ** BigInt(BINARY_POWER[suffix]);
  else if (suffix in DECIMAL_EXPONENT) exp10 += DECIMAL_EXPONENT[suffix];
  else if (suffix.length > 0) {
    const e = Number(suffix.slice(1));
    if (Math.abs(e) > MAX_EXPONENT) throw new QuantityError(input, `exponent out of range ±${MAX_EXPONENT}`);
    exp10 += e;
  }
  if (exp10 >= 0) return mantissa * pow10(exp10);
  const div = pow10(-exp10);
  return (mantissa + div - 1n) / div; // round up to the next milli-unit
}

/** Parsed values are memoized: policy evaluation parses the same few strings many times. */
const cache = new Map<string, bigint>();
const CACHE_LIMIT = 10_000;

/** Parses a quantity into exact milli-units; throws {@link QuantityError}. */
export function parseQuantity(input: string): bigint {
  const hit = cache.get(input);
  if (hit !== undefined) return hit;
  const value = parseUncached(input);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(input, value);
  return value;
}

/** Alias of {@link parseQuantity}: the quantity in milli-units. */
export const toMilli = parseQuantity;

export function isValidQuantity(input: string): boolean {
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

/**
 * Canonical human string for a milli-unit value: `1500m`, `2`, `1k`, `48Gi`.
 * Whole values take the largest suffix that divides them exactly: binary (Ki…Ei) when `hint` is
 * 'binary' and the value is a multiple of 1024, decimal SI (k…E) otherwise.
 */
export function formatQuantity(milli: bigint, hint: 'binary' | 'decimal' = 'decimal'): string {
  if (milli < 0n) return `-${formatQuantity(-milli, hint)}`;
  if (milli % 1000n !== 0n) return `${milli}m`;
  let units = milli / 1000n;
  if (units === 0n) return '0';
  const binary = hint === 'binary' && units % 1024n === 0n;
  const base = binary ? 1024n : 1000n;
  const suffixes = binary ? BINARY_SUFFIXES : DECIMAL_SUFFIXES;
  let i = 0;
  while (i < suffixes.length - 1 && units % base === 0n) {
    units /= base;
    i++;
  }
  return `${units}${suffixes[i]}`;
}

/** Compares two quantity strings exactly; throws {@link QuantityError} if either is invalid. */
export function compareQuantities(a: string, b: string): -1 | 0 | 1 {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Limits on quantities, so that every accepted value fits the quota ledger: PostgreSQL `bigint` milli-units,
 * at most 2^63−1 ≈ 9.2·10^18 milli = 9.2·10^15 units. One quantity (a tier's, a request's, a LimitRange's)
 * is at most 1Pi (2^50 units); a tenant's total of one resource, the sum the ledger and the budget check add
 * up, at most 8Pi (2^53 units, 9.007·10^18 milli: below 2^63−1). So eight namespaces at the largest
 * quantity fit, and the policy refuses the request that would take a tenant's total past 8Pi: no sum can
 * overflow, and no tier can be stored that would make every later request fail.
 */
export const MAX_QUANTITY = '1Pi';
export const MAX_QUANTITY_MILLI = 2n ** 50n * 1000n;
export const MAX_TENANT_TOTAL = '8Pi';
export const MAX_TENANT_TOTAL_MILLI = 2n ** 53n * 1000n;

/** A valid quantity no larger than `maxMilli`. */
export function isQuantityWithin(input: unknown, maxMilli: bigint): boolean {
  return typeof input === 'string' && isValidQuantity(input) && parseQuantity(input) <= maxMilli;
}
