import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { BadInputError, deeperThan, MAX_INPUT_DEPTH, tooDeepError } from '@berth/common';
import type { IdempotencyRequest } from './idempotency.service';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Printable ASCII without spaces, 1-255 characters (UUIDs, ULIDs, hashes all fit). */
const KEY = /^[\x21-\x7e]{1,255}$/;

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request (recursive: only for bounded depth). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The request's Idempotency-Key and a fingerprint of what it asks (method, path and query, body), or
 * undefined without the header. A malformed key is a 400.
 */
export const Idempotency = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyRequest | undefined => {
  const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; method: string; url: string; body: unknown }>();
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  if (!KEY.test(key)) {
    throw new BadInputError('Idempotency-Key must be 1-255 printable ASCII characters without spaces', [
      { field: 'Idempotency-Key', code: 'invalid', message: 'expected e.g. a UUID' },
    ]);
  }
  // Custom parameter decorators run before the validation pipe: bound the depth here, before recursing.
  if (deeperThan(req.body, MAX_INPUT_DEPTH)) throw tooDeepError('body');
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${req.url}\n${canonical(req.body)}`)
    .digest('hex');
  return { key, fingerprint };
});
