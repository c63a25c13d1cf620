import { fork } from 'node:child_process';
import http from 'node:http';
import { httpPost } from './http-post';

/**
 * An open burst: every POST sent at once from a forked child (node:http, a socket per request), so the
 * load generator never shares an event loop with the server it measures. Each answer is reported to the
 * parent as it arrives (`onAnswer`), with wall-clock times (Date.now, the same clock in both processes).
 */
export interface BurstCall {
  url: string;
  body: unknown;
}

export interface BurstAnswer {
  index: number;
  status: number;
  body: any;
  /** Date.now() when the request was sent and when its answer was complete. */
  sentAt: number;
  answeredAt: number;
}

const CHILD_FLAG = '--berth-burst-load-child';

interface Wire {
  calls: BurstCall[];
  headers: Record<string, string>;
}

/** `onStart` gets the Date.now() at which the child sends the first request (after its own start-up). */
export function runBurst(
  calls: BurstCall[],
  headers: Record<string, string>,
  onStart: (at: number) => void,
  onAnswer: (a: BurstAnswer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [CHILD_FLAG], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    let error: Error | undefined;
    child.on('message', (m: { startedAt?: number; answer?: BurstAnswer; done?: boolean; error?: string }) => {
      if (m.startedAt !== undefined) onStart(m.startedAt);
      if (m.answer) onAnswer(m.answer);
      if (m.error) error = new Error(`burst load: ${m.error}`);
      if (m.done) done = true;
    });
    child.on('error', reject);
    child.on('exit', (code) => (done && !error ? resolve() : reject(error ?? new Error(`burst load exited with ${code}`))));
    child.send({ calls, headers } satisfies Wire);
  });
}

async function childMain(): Promise<void> {
  const wire = await new Promise<Wire>((resolve) => process.once('message', (m) => resolve(m as Wire)));
  // The Agent would queue requests beyond its socket limit: one socket per call, all opened at once.
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const headers = { ...wire.headers, 'content-type': 'application/json' };
  const post = (url: string, payload: string) => httpPost(agent, url, headers, payload);
  try {
    process.send!({ startedAt: Date.now() });
    await Promise.all(
      wire.calls.map(async (call, index) => {
        const payload = JSON.stringify(call.body);
        const sentAt = Date.now();
        const res = await post(call.url, payload);
        let body: unknown;
        try {
          body = JSON.parse(res.text);
        } catch {
          body = res.text.slice(0, 300);
        }
        process.send!({ answer: { index, status: res.status, body, sentAt, answeredAt: Date.now() } satisfies BurstAnswer });
      }),
    );
    process.send!({ done: true }, () => process.exit(0));
  } catch (error) {
    process.send!({ error: (error as Error).message, done: true }, () => process.exit(1));
  }
}

if (process.argv.includes(CHILD_FLAG)) void childMain();
