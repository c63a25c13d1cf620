import { PreconditionFailedError, BadInputError } from './errors';

/** Strong ETag for a row version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Reads an If-Match header into the version it names. Absent → undefined (the write is unconditional);
 * `*` → undefined; anything else must be an ETag Berth issued.
 */
export function versionFromIfMatch(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(ifMatch.trim());
  if (!match) {
    throw new BadInputError('If-Match must be an ETag returned by Berth, e.g. "3"', [
      { field: 'If-Match', code: 'invalid', message: 'expected a quoted version such as "3"' },
    ]);
  }
  return Number(match[1]);
}

/** Throws 412 unless the expected version (when given) is the current one. */
export function assertVersion(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw new PreconditionFailedError();
}
