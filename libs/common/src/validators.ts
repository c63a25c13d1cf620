import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isDnsLabel, isLabelKey, isLabelValue } from './names';
import { isValidQuantity } from './quantity';

function define(
  name: string,
  check: (value: unknown) => boolean,
  message: (args: ValidationArguments) => string,
  options?: ValidationOptions,
) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options: { message, ...options },
      validator: { validate: check },
    });
}

const isPlainMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** A map of resource names (e.g. `requests.cpu`) to Kubernetes quantities (e.g. `500m`, `8Gi`). */
export function IsQuantityMap(options?: ValidationOptions) {
  return define(
    'isQuantityMap',
    (v) =>
      isPlainMap(v) &&
      Object.keys(v).length <= 64 &&
      Object.entries(v).every(([k, q]) => k.length > 0 && k.length <= 253 && typeof q === 'string' && isValidQuantity(q)),
    (a) => `${a.property} must map resource names to valid, non-negative Kubernetes quantities (e.g. "500m", "2", "8Gi", "1e3")`,
    options,
  );
}
