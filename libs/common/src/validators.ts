import { registerDecorator, ValidateIf, ValidationArguments, ValidationOptions } from 'class-validator';
import { hasControlCharacters, isDnsLabel, isLabelKey, isLabelValue } from './names';
import { formatQuantity, isQuantityWithin, isValidQuantity, MAX_QUANTITY_MILLI } from '@berth/quantities';

/** A Kubernetes resource name as ResourceQuota keys use it (`requests.cpu`, `requests.nvidia.com/gpu`): a qualified name. */
export const isResourceName = (key: string): boolean => isLabelKey(key);

function define(name: string, check: (value: unknown) => boolean, message: (args: ValidationArguments) => string, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options: { message, ...options },
      validator: { validate: check },
    });
}

const isPlainMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Optional but not nullable: an absent field is skipped, an explicit `null` is validated like any other
 * value (and refused). Plain `@IsOptional()` lets `null` through, which a non-nullable column rejects.
 */
export const IsOptionalNonNull = (options?: ValidationOptions) => ValidateIf((_, value) => value !== undefined, options);

/** Free text (display names): no control characters; PostgreSQL cannot even store NUL. */
export function IsPlainText(options?: ValidationOptions) {
  return define(
    'isPlainText',
    (v) => typeof v === 'string' && !hasControlCharacters(v),
    (a) => `${a.property} must be text without control characters`,
    options,
  );
}

/** A DNS-1123 label of at most `max` characters (and at least `min`). */
export function IsDnsLabel(max = 63, min = 1, options?: ValidationOptions) {
  return define(
    'isDnsLabel',
    (v) => isDnsLabel(v, max) && (v as string).length >= min,
    (a) => `${a.property} must be a DNS-1123 label (lowercase letters, digits and '-', ${min}-${max} characters, starting and ending alphanumeric)`,
    options,
  );
}

/** A map of Kubernetes label keys to label values. */
export function IsLabelMap(options?: ValidationOptions) {
  return define(
    'isLabelMap',
    (v) => isPlainMap(v) && Object.keys(v).length <= 64 && Object.entries(v).every(([k, val]) => isLabelKey(k) && isLabelValue(val)),
    (a) => `${a.property} must map Kubernetes label keys (prefix/name) to label values (≤ 63 characters, alphanumeric, '-', '_', '.')`,
    options,
  );
}

/**
 * A map of resource names (e.g. `requests.cpu`) to Kubernetes quantities (e.g. `500m`, `8Gi`), each at most
 * `maxMilli` (default {@link MAX_QUANTITY_MILLI}, 1Pi: what the quota ledger can add up). The message names
 * the first quantity over the limit, and the limit.
 */
export function IsQuantityMap(options?: ValidationOptions, maxMilli: bigint = MAX_QUANTITY_MILLI) {
  const limit = formatQuantity(maxMilli, 'binary');
  return define(
    'isQuantityMap',
    (v) => isPlainMap(v) && Object.keys(v).length <= 64 && Object.entries(v).every(([k, q]) => isResourceName(k) && isQuantityWithin(q, maxMilli)),
    (a) => {
      const tooLarge = isPlainMap(a.value)
        ? Object.entries(a.value).find(([, q]) => typeof q === 'string' && isValidQuantity(q) && !isQuantityWithin(q, maxMilli))
        : undefined;
      if (tooLarge) return `${a.property}.${tooLarge[0]}: ${String(tooLarge[1])} exceeds the largest quantity Berth accepts (${limit})`;
      return `${a.property} must map resource names to valid, non-negative Kubernetes quantities of at most ${limit} (e.g. "500m", "2", "8Gi", "1e3")`;
    },
    options,
  );
}

/**
 * A flat map of strings (labels, annotations) of bounded size. Kubernetes syntax of the keys and values
 * is judged by the policy engine, which names each bad key precisely.
 */
export function IsStringMap(maxEntries = 128, maxValueLength = 65536, options?: ValidationOptions) {
  return define(
    'isStringMap',
    (v) =>
      isPlainMap(v) &&
      Object.keys(v).length <= maxEntries &&
      Object.entries(v).every(([k, val]) => k.length > 0 && k.length <= 317 && typeof val === 'string' && val.length <= maxValueLength),
    (a) => `${a.property} must be an object of at most ${maxEntries} string keys to string values`,
    options,
  );
}
