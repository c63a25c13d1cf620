import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConflictError, DomainError, ErrorDetail, UnprocessableError } from '@berth/common';
import { IdempotencyRepository } from './idempotency.repository';

/** What a route answers: a status and a body, so a replay can answer exactly the same. */
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

/** Keys are kept 24 h after first use (the draft's minimum is "at least" the client's retry window). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Replays a stored error response (same status, message and details as the first answer). */
class ReplayedError extends DomainError {}

/**
 * Idempotency-Key semantics (IETF httpapi-idempotency-key-header draft), keys scoped to the caller:
 * same key and body → the first response again; same key, other body → 422; same key while the
 * first request is still running → 409. Server errors release the key so the client can retry.
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly records: IdempotencyRepository) {}

  /** Expired keys are removed hourly (a claim also replaces an expired record, so this is only tidying). */
  onApplicationBootstrap(): void {
    this.sweeper = setInterval(
      () => {
        this.records.purgeExpired().catch((error: Error) => this.logger.warn(`idempotency sweep failed: ${error.message}`));
      },
      60 * 60 * 1000,
    );
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async run<T>(scope: string, request: IdempotencyRequest | undefined, work: () => Promise<HttpResult<T>>): Promise<HttpResult<T>> {
    if (!request) return work();
    const { key, fingerprint } = request;
    const previous = await this.records.claim(scope, key, fingerprint, IDEMPOTENCY_TTL_MS);
    if (previous) return this.replay<T>(previous, fingerprint);
    try {
      const result = await work();
      await this.records.complete(scope, key, result.status, result.body);
      return result;
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) {
        await this.records.complete(scope, key, error.status, { message: error.message, details: error.details });
      } else {
        await this.records.release(scope, key);
      }
      throw error;
    }
  }

  private replay<T>(previous: { fingerprint: string; status: number | null; body: unknown }, fingerprint: string): HttpResult<T> {
    if (previous.status === null) {
      throw new ConflictError('A request with this Idempotency-Key is still being processed; retry later', [
        { field: 'Idempotency-Key', code: 'idempotency-key-in-flight', message: 'the first request has not finished yet' },
      ]);
    }
    if (previous.fingerprint !== fingerprint) {
      throw new UnprocessableError('This Idempotency-Key was already used with a different request', [
        { field: 'Idempotency-Key', code: 'idempotency-key-reused', message: 'use a new key for a different request' },
      ]);
    }
    if (previous.status >= 400) {
      const stored = previous.body as { message: string; details: ErrorDetail[] };
      throw new ReplayedError(previous.status, stored.message, stored.details);
    }
    return { status: previous.status, body: previous.body as T };
  }
}
