import type { HttpResult } from '../idempotency/idempotency.service';
import { etagOfBody } from './etag.interceptor';

export interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

/**
 * Sends a result whose status (and headers) the service chose: 201 created, 200 dry run, a replay, a
 * `Link`. Replying through the raw reply bypasses interceptors, so the ETag of a single resource is set
 * here, the same way EtagInterceptor sets it for every other route.
 */
export function send(reply: Reply, result: HttpResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  const etag = etagOfBody(result.body);
  if (etag) reply.header('ETag', etag);
  reply.status(result.status).send(result.body);
}
