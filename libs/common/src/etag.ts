import { PreconditionFailedError, BadInputError } from './errors';

/** Strong ETag for a row version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** A version no row has: what a syntactically valid tag that cannot match (weak, or not ours) stands for. */
export const NO_VERSION = -1;

/** One entity-tag (RFC 9110 §8.8.3): optional `W/`, then a quoted opaque tag. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const BERTH_VERSION = /^[1-9]\d{0,9}$/;

/**
 * Reads an If-Match header into the version a write is conditional on:
 * - absent → undefined (the write is unconditional); `*` → undefined (any existing version: the write
 *   answers 404 when the resource does not exist, as it would anyway);
 * - one strong ETag Berth issued (`"3"`) → 3;
 * - any other valid entity-tag never matches (strong comparison, RFC 9110 §13.1.1: `W/"3"` does not match
 *   `"3"`) → NO_VERSION, so the write answers 412;
 * - blank, malformed, or a list of several tags → 400 (Berth's resources have exactly one current tag).
 */
export function versionFromIfMatch(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '*') return undefined;
  const tag = ENTITY_TAG.exec(value);
  if (!tag) {
    throw new BadInputError('If-Match must be one ETag returned by Berth, e.g. "3", or *', [
      { field: 'If-Match', code: 'invalid', message: 'expected one quoted ETag such as "3", or *' },
    ]);
  }
  const [, weak, opaque] = tag;
  return weak || !BERTH_VERSION.test(opaque) ? NO_VERSION : Number(opaque);
}

/** Throws 412 unless the expected version (when given) is the current one. */
export function assertVersion(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw new PreconditionFailedError();
}
