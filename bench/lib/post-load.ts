import http from 'node:http';
import { httpPost } from './http-post';
import { runInChild } from './child';
import { percentile } from './stats';

/**
 * A closed-loop POST load: `connections` workers, each sending one request at a time for `durationSec`,
 * every request with its own body (a namespace name must be new each time, which autocannon's static
 * bodies cannot do). Like load.ts it runs in a forked child, so the load generator never shares an event
 * loop with the server it measures.
 */
export interface PostLoadOptions<C = unknown> {
  /** Plain functions of (worker, seq, ctx), sent to the child as source: no closures. */
  url: (worker: number, seq: number, ctx: C) => string;
  body: (worker: number, seq: number, ctx: C) => unknown;
  /** JSON data passed to `url` and `body` (base URL, tenants, a run tag that keeps names unique). */
  ctx: C;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
}

/** What crosses the process boundary: the functions as source, built again in the child. */
interface WireOptions {
  url: string;
  body: string;
  ctx: unknown;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
}

export interface PostLoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  /** Status → count for every answer that was not 2xx (with one sample body each). */
  non2xx: Record<string, { count: number; sample: string }>;
  errors: number;
}

const CHILD_FLAG = '--berth-post-load-child';

export function runPostLoad<C>(options: PostLoadOptions<C>): Promise<PostLoadResult> {
  const wire: WireOptions = { ...options, url: options.url.toString(), body: options.body.toString() };
  return runInChild<PostLoadResult>(__filename, CHILD_FLAG, wire);
}

async function childMain(): Promise<void> {
  const wire = await new Promise<WireOptions>((resolve) => process.once('message', (m) => resolve(m as WireOptions)));
  try {
    // The functions were sent as source: plain functions of (worker, seq, ctx), no closures.
    const url = new Function(`return (${wire.url})`)() as PostLoadOptions['url'];
    const body = new Function(`return (${wire.body})`)() as PostLoadOptions['body'];
    const headers = { ...wire.headers, 'content-type': 'application/json' };
    const latencies: number[] = [];
    const non2xx: PostLoadResult['non2xx'] = {};
    let errors = 0;
    const start = performance.now();
    const deadline = start + wire.durationSec * 1000;
    // Keep-alive: one socket per worker.
    const agent = new http.Agent({ keepAlive: true, maxSockets: wire.connections });
    const post = (target: string, payload: string) => httpPost(agent, target, headers, payload);
    const worker = async (w: number) => {
      for (let seq = 0; performance.now() < deadline; seq++) {
        const t0 = performance.now();
        try {
          const res = await post(url(w, seq, wire.ctx), JSON.stringify(body(w, seq, wire.ctx)));
          latencies.push(performance.now() - t0);
          if (res.status < 200 || res.status > 299) {
            const seen = (non2xx[res.status] ??= { count: 0, sample: res.text.slice(0, 300) });
            seen.count++;
          }
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: wire.connections }, (_, w) => worker(w)));
    const elapsed = (performance.now() - start) / 1000;
    const result: PostLoadResult = {
      rps: latencies.length / elapsed,
      total: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      non2xx,
      errors,
    };
    process.send!({ result }, () => process.exit(0));
  } catch (error) {
    process.send!({ error: (error as Error).message }, () => process.exit(1));
  }
}

if (process.argv.includes(CHILD_FLAG)) void childMain();
