import { runInChild } from './child';

/**
 * autocannon runs in a forked child process so the load generator never shares an event loop with the
 * server it measures (both servers live in the parent). The child is this file, run with the parent's
 * execArgv (e.g. `-r @swc-node/register`).
 */
export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const CHILD_FLAG = '--berth-load-child';

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return runInChild<LoadResult>(__filename, CHILD_FLAG, options);
}

async function childMain(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }>;
  const options = await new Promise<LoadOptions>((resolve) => process.once('message', (m) => resolve(m as LoadOptions)));
  try {
    const r = await autocannon({
      url: options.url,
      method: 'GET',
      headers: options.headers,
      connections: options.connections,
      duration: options.durationSec,
      pipelining: 1,
    });
    const result: LoadResult = {
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      total: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
    process.send!({ result }, () => process.exit(0));
  } catch (error) {
    process.send!({ error: (error as Error).message }, () => process.exit(1));
  }
}

if (process.argv.includes(CHILD_FLAG)) void childMain();
