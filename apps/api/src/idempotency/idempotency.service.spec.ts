import { ConflictError, DomainError, UnprocessableError } from '@berth/common';
import { replayOf } from './idempotency.service';
import type { StoredResponse } from './idempotency.repository';

const LEASE_MS = 60_000;
const NOW = Date.parse('2026-01-01T12:00:00Z');
const record = (over: Partial<StoredResponse>): StoredResponse => ({
  fingerprint: 'f',
  status: 201,
  body: { id: 'r1', version: 1 },
  claimedAt: new Date(NOW - 1000),
  ...over,
});
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('replayOf: what a second request with the same Idempotency-Key answers', () => {
  it('the same request replays the stored status and body', () => {
    expect(replayOf(record({ status: 202 }), 'f', LEASE_MS, NOW)).toEqual({ status: 202, body: { id: 'r1', version: 1 } });
  });

  it('a stored error answer is thrown again with its status, message and details', () => {
    const error = thrown(() =>
      replayOf(record({ status: 422, body: { message: 'denied', details: [{ code: 'budget.exceeded', message: 'm' }] } }), 'f', LEASE_MS, NOW),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 422, message: 'denied', details: [{ code: 'budget.exceeded', message: 'm' }] });
  });

  it('another request under the same key is a 422, whether the first finished or not (after its lease)', () => {
    expect(thrown(() => replayOf(record({}), 'other', LEASE_MS, NOW))).toBeInstanceOf(UnprocessableError);
    const stale = record({ status: null, body: null, claimedAt: new Date(NOW - 2 * LEASE_MS) });
    expect(thrown(() => replayOf(stale, 'other', LEASE_MS, NOW))).toBeInstanceOf(UnprocessableError);
  });

  it('while the first is in flight within its lease: 409 with the whole seconds left in Retry-After', () => {
    const inFlight = record({ status: null, body: null, claimedAt: new Date(NOW - 58_500) });
    for (const fingerprint of ['f', 'other']) {
      const error = thrown(() => replayOf(inFlight, fingerprint, LEASE_MS, NOW)) as ConflictError;
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.headers).toEqual({ 'Retry-After': '2' });
      expect(error.details[0].code).toBe('idempotency-key-in-flight');
    }
  });
});
