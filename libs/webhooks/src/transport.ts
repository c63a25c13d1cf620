import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DestinationPolicy, resolveDestination } from './destination';

/** The outbound request's whole budget: connect, send, and the receiver's answer. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Enough of a receiver's answer for the delivery log; the rest is discarded. */
const MAX_ERROR_BODY = 512;

export interface AttemptResult {
  ok: boolean;
  statusCode?: number;
  durationMs: number;
  error?: string;
}

/**
 * One POST. The destination is checked again now (DNS may have changed since the subscription was made)
 * and the connection goes to the checked address (a custom lookup), so a rebinding answer cannot slip
 * in between the check and the connect. Redirects are not followed: a 3xx is a failed attempt.
 */
export async function postWebhook(policy: DestinationPolicy, url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  let target: Awaited<ReturnType<typeof resolveDestination>>;
  try {
    target = await resolveDestination(policy, url);
  } catch (error) {
    return { ok: false, durationMs: elapsed(), error: (error as Error).message };
  }
  const pinned = target.addresses[0];
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof target.addresses) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    const request = client.request(
      target.url,
      {
        method: 'POST',
        lookup,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Berth-Webhooks/1' },
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ERROR_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => {
          const statusCode = response.statusCode ?? 0;
          const ok = statusCode >= 200 && statusCode < 300;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY);
          resolve({ ok, statusCode, durationMs: elapsed(), error: ok ? undefined : `HTTP ${statusCode}${text ? `: ${text}` : ''}` });
        });
        response.on('error', (error) => resolve({ ok: false, statusCode: response.statusCode, durationMs: elapsed(), error: error.message }));
      },
    );
    request.on('error', (error) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      resolve({ ok: false, durationMs: elapsed(), error: timedOut ? `timed out after ${WEBHOOK_TIMEOUT_MS} ms` : error.message });
    });
    request.end(body);
  });
}
