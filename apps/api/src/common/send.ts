import type { HttpResult } from '../idempotency/idempotency.service';

export interface Reply {
  status(code: number): Reply;
  send(body: unknown): unknown;
}

/** Sends a result whose status the service chose (201 created, 200 dry run, or a replayed answer). */
export function send(reply: Reply, result: HttpResult): void {
  reply.status(result.status).send(result.body);
}
