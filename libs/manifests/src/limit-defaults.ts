import { formatQuantity, parseQuantity, QuantityError } from '@berth/quantities';
import type { LimitRangeSpec, QuantityMap } from './types';

/**
 * Share of a namespace's quota that a container gets by default: one tenth. Small enough that a namespace
 * runs several default-sized containers (a rolling update needs at least two), large enough to start a
 * typical service. A default never reaches the whole quota: when a tenth rounds to nothing (quota of a few
 * milli-CPU), no default is derived and containers must state their own.
 */
export const DEFAULT_CONTAINER_SHARE = 10n;

/** Compute keys the quota admission checks per container (pods.go `validationSet`), as `requests.`/`limits.`. */
const COMPUTE = ['cpu', 'memory'] as const;
const MEBIBYTE_MILLI = 1024n * 1024n * 1000n;

/**
 * Why derive instead of requiring the admin to write them: ResourceQuota on `requests.cpu`, `limits.memory` …
 * makes the API server refuse every container that does not set them ("must specify …"), so a tier without
 * matching LimitRange defaults yields namespaces that admit no ordinary pod. Refusing such tiers (422) would
 * break every tier already stored and every namespace already approved from one; deriving fixes them on the
 * next render and is the same rule in push and pull mode (both come from this renderer). What the tier sets
 * is kept as is; only missing keys are filled in, and never beyond the tier's `max` or below its `min`.
 */
export function withComputeDefaults(resources: QuantityMap, given: LimitRangeSpec | null | undefined): LimitRangeSpec | null {
  const out: LimitRangeSpec = {
    ...given,
    ...(given?.default ? { default: { ...given.default } } : {}),
    ...(given?.defaultRequest ? { defaultRequest: { ...given.defaultRequest } } : {}),
  };
  const read = (map: QuantityMap | undefined, key: string): bigint | undefined => {
    const value = map?.[key];
    if (value === undefined) return undefined;
    try {
      return parseQuantity(value);
    } catch (error) {
      // Left to the schema validation that follows, which names the field as Kubernetes would.
      if (error instanceof QuantityError) return undefined;
      throw error;
    }
  };
  for (const key of COMPUTE) {
    const quotaRequest = read(resources, `requests.${key}`) ?? read(resources, key);
    const quotaLimit = read(resources, `limits.${key}`);
    const min = read(given?.min, key);
    const max = read(given?.max, key);
    let limit = read(given?.default, key);
    if (limit === undefined && quotaLimit !== undefined) {
      limit = derive(quotaLimit, key, min, max);
      if (limit !== undefined) (out.default ??= {})[key] = format(key, limit);
    }
    // LimitRanger copies a container's limit into its unset request, so a default limit covers requests too.
    const hasRequest = given?.defaultRequest?.[key] !== undefined || given?.default?.[key] !== undefined;
    if (!hasRequest && quotaRequest !== undefined) {
      const request = derive(quotaRequest, key, min, limit !== undefined && (max === undefined || limit < max) ? limit : max);
      if (request !== undefined) (out.defaultRequest ??= {})[key] = format(key, request);
    }
  }
  const empty = (['default', 'defaultRequest', 'max', 'min'] as const).every((f) => !out[f] || Object.keys(out[f]!).length === 0);
  return empty ? null : out;
}

/** A tenth of `quota`, rounded down to a tidy unit, kept within [min, cap]; undefined when that is not below the quota. */
function derive(quota: bigint, key: string, min: bigint | undefined, cap: bigint | undefined): bigint | undefined {
  let value = round(quota / DEFAULT_CONTAINER_SHARE, key);
  if (cap !== undefined && value > cap) value = cap;
  if (min !== undefined && value < min) value = min;
  return value > 0n && value < quota ? value : undefined;
}

/** CPU to whole milli-CPU; memory to whole MiB when at least 1 MiB, else to whole bytes. */
function round(milli: bigint, key: string): bigint {
  if (key === 'cpu') return milli;
  if (milli >= MEBIBYTE_MILLI) return (milli / MEBIBYTE_MILLI) * MEBIBYTE_MILLI;
  return (milli / 1000n) * 1000n;
}

function format(key: string, milli: bigint): string {
  return formatQuantity(milli, key === 'memory' ? 'binary' : 'decimal');
}
