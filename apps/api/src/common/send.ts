import type { HttpResult } from '../idempotency/idempotency.service';

export interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

/** Sends a result whose status (and headers) the service chose: 201 created, 200 dry run, a replay, a `Link`. */
export function send(reply: Reply, result: HttpResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  reply.status(result.status).send(result.body);
}
