import { createHash } from 'node:crypto';
import { applyDecorators, CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { catchError, from, map, mergeMap, Observable, of, throwError } from 'rxjs';
import type { Principal } from '@berth/authz';
import { BadInputError, deeperThan, MAX_INPUT_DEPTH, tooDeepError } from '@berth/common';
import { AnswerRecorder, IdempotencyClaim, IdempotencyRequest, IdempotencyService } from './idempotency.service';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Printable ASCII without spaces, 1-255 characters (UUIDs, ULIDs, hashes all fit). */
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Where the interceptor leaves this request's claim for the route (see {@link IdempotentAnswer}). */
const CLAIM = Symbol('idempotency-claim');

interface IdempotentRequest {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
  body: unknown;
  user: Principal;
  [CLAIM]?: IdempotencyClaim;
}

interface StatusReply {
  statusCode: number;
  status(code: number): unknown;
}

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
export function idempotencyRequestOf(req: IdempotentRequest): IdempotencyRequest | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  if (!KEY.test(key)) {
    throw new BadInputError('Idempotency-Key must be 1-255 printable ASCII characters without spaces', [
      { field: 'Idempotency-Key', code: 'invalid', message: 'expected e.g. a UUID' },
    ]);
  }
  // Interceptors run before the validation pipe: bound the depth here, before recursing.
  if (deeperThan(req.body, MAX_INPUT_DEPTH)) throw tooDeepError('body');
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${req.url}\n${canonical(req.body)}`)
    .digest('hex');
  return { key, fingerprint };
}

/**
 * The edge of Idempotency-Key: claims the key before the route runs, replays the first answer (status
 * and body) without running it, stores the route's answer once it returns, and releases the key when
 * the route fails without having recorded an answer. Routes whose work writes hand the claim
 * ({@link IdempotentAnswer}) to their service, which records the answer in the work's own transaction.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<IdempotentRequest>();
    const reply = context.switchToHttp().getResponse<StatusReply>();
    const asked = idempotencyRequestOf(req);
    if (!asked) return next.handle();
    const begun = await this.idempotency.begin(req.user.actor, asked, () => reply.statusCode);
    if ('replay' in begun) {
      reply.status(begun.replay.status);
      return of(begun.replay.body);
    }
    const { claim } = begun;
    req[CLAIM] = claim;
    return next.handle().pipe(
      mergeMap((body) => from(claim.complete(reply.statusCode, body)).pipe(map(() => body))),
      // Whatever failed was not recorded (a recorded answer is no longer in flight): free the key.
      catchError((error: unknown) => from(claim.release()).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}

/** Retry-safe writes through `Idempotency-Key` (documented in OpenAPI). */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe submission (same key + body replays the first answer)' }),
  );

/** The claim of this request's Idempotency-Key, for the service to record its answer in its transaction; undefined without a key. */
export const IdempotentAnswer = createParamDecorator((_: unknown, ctx: ExecutionContext): AnswerRecorder | undefined => {
  return ctx.switchToHttp().getRequest<IdempotentRequest>()[CLAIM];
});
