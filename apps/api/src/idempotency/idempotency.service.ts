import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, ConflictError, DomainError, ErrorDetail, PeriodicTask, UnprocessableError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import type { SqlTx } from '@berth/prisma';
import { IdempotencyRepository, StoredResponse } from './idempotency.repository';

/** A status and a body: what an Idempotency-Key stores and replays. */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  /** Response headers the service chose (e.g. a pagination `Link`). */
  headers?: Record<string, string>;
}

export interface IdempotencyRequest {
  key: string;
  fingerprint: string;
}

/**
 * Stores an answer inside the work's own transaction, so the key's answer commits with the request's
 * changes or not at all: a process killed at any point leaves either both (a retry replays) or neither
 * (a retry after the lease runs again). A service gets one from its route (IdempotencyInterceptor) and
 * hands it the answer it is about to return — its response body, or the domain error it will throw
 * after committing (a policy deny). Throws, rolling the transaction back, when the claim was lost (the
 * lease ran out and a retry took the key over), so the work never happens twice.
 */
export interface AnswerRecorder {
  record(tx: SqlTx, answer: object | DomainError): Promise<void>;
}

/** Keys are kept 24 h after first use (the draft's minimum is "at least" the client's retry window). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Replays a stored error response (same status, message and details as the first answer). */
export class ReplayedError extends DomainError {}

/**
 * This call's hold on a key: record the answer in the work's transaction, complete it afterwards (a
 * no-op when recorded), or release it when the work failed without recording (nothing was changed).
 */
export class IdempotencyClaim implements AnswerRecorder {
  constructor(
    private readonly records: IdempotencyRepository,
    private readonly scope: string,
    private readonly key: string,
    private readonly claimedAt: Date,
    /** The route's success status (its `@HttpCode`), for answers recorded before the route returns. */
    private readonly successStatus: () => number,
  ) {}

  async record(tx: SqlTx, answer: object | DomainError): Promise<void> {
    const [status, body] = answer instanceof DomainError ? [answer.status, errorRecord(answer)] : [this.successStatus(), answer];
    if (!(await this.records.complete(tx, this.scope, this.key, this.claimedAt, status, body))) throw leaseLost();
  }

  async complete(status: number, body: unknown): Promise<void> {
    await this.records.completeNow(this.scope, this.key, this.claimedAt, status, body);
  }

  async release(): Promise<void> {
    await this.records.release(this.scope, this.key, this.claimedAt);
  }
}

/**
 * Idempotency-Key semantics (IETF httpapi-idempotency-key-header draft), keys scoped to the caller:
 * same key and body → the first response again; same key, other body → 422; same key while the
 * first request is still running → 409 with `Retry-After` (seconds until its lease ends). A request
 * holds its key for a lease (BERTH_IDEMPOTENCY_LEASE_SECONDS, default 60, above the 20 s limit of a
 * tenant transaction): after it, a retry runs the request again, which is safe because the answer is
 * stored in the request's own transaction (see {@link AnswerRecorder}). Only answers are kept: a
 * request that fails before its work stored anything (validation, a stale If-Match, a pending
 * change) releases the key.
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private sweeper?: PeriodicTask;

  private readonly leaseMs: number;

  constructor(
    private readonly records: IdempotencyRepository,
    private readonly clock: Clock,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    this.leaseMs = config.idempotencyLeaseSeconds * 1000;
  }

  /** Expired keys are removed hourly (a claim also replaces an expired record, so this is only tidying). */
  onApplicationBootstrap(): void {
    this.sweeper = new PeriodicTask({ name: 'idempotency sweep', every: 60 * 60 * 1000, run: () => this.sweep(), logger: this.logger }).start();
  }

  /** Removes the records expired by now; returns how many. */
  sweep(): Promise<number> {
    return this.records.purgeExpired(this.clock.now());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper?.stop();
  }

  /** Claims the key for this request, or answers from the first request with it (a replay, or a 409/422). */
  async begin(scope: string, request: IdempotencyRequest, successStatus: () => number): Promise<{ replay: HttpResult } | { claim: IdempotencyClaim }> {
    const { key, fingerprint } = request;
    const now = this.clock.now();
    const claim = await this.records.claim(scope, key, fingerprint, now, IDEMPOTENCY_TTL_MS, this.leaseMs);
    if (claim.previous) return { replay: replayOf(claim.previous, fingerprint, this.leaseMs, now.getTime()) };
    return { claim: new IdempotencyClaim(this.records, scope, key, claim.claimedAt, successStatus) };
  }
}

/**
 * What a request carrying an already used key answers, from the first request's record: its answer again
 * (an error answer is thrown again), 409 + Retry-After while the first is in flight within its lease,
 * 422 for another request under the same key.
 */
export function replayOf(previous: StoredResponse, fingerprint: string, leaseMs: number, now: number): HttpResult {
  const leaseLeftMs = previous.claimedAt.getTime() + leaseMs - now;
  // In flight: 409 until its lease ends; then the same request claims the key again, a different one is a 422.
  if (previous.status === null && (leaseLeftMs > 0 || previous.fingerprint === fingerprint)) {
    const seconds = Math.max(1, Math.ceil(leaseLeftMs / 1000));
    throw new ConflictError(
      'A request with this Idempotency-Key is still being processed; retry later',
      [{ field: 'Idempotency-Key', code: 'idempotency-key-in-flight', message: `the first request has not finished; retry in ${seconds} s` }],
      { 'Retry-After': String(seconds) },
    );
  }
  if (previous.fingerprint !== fingerprint) {
    throw new UnprocessableError('This Idempotency-Key was already used with a different request', [
      { field: 'Idempotency-Key', code: 'idempotency-key-reused', message: 'use a new key for a different request' },
    ]);
  }
  const status = previous.status as number;
  if (status >= 400) {
    const stored = previous.body as { message: string; details: ErrorDetail[] };
    throw new ReplayedError(status, stored.message, stored.details);
  }
  return { status, body: previous.body };
}

const errorRecord = (error: DomainError) => ({ message: error.message, details: error.details });

function leaseLost(): ConflictError {
  const message = 'This request outlived its Idempotency-Key lease and a retry took the key over; nothing was changed by this attempt';
  return new ConflictError(message, [{ field: 'Idempotency-Key', code: 'idempotency-lease-lost', message }]);
}
