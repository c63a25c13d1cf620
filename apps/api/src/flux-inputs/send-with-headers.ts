import type { Reply } from '../common/send';

export interface HeaderReply extends Reply {
  header(name: string, value: string): HeaderReply;
}

/** Sends a service's answer with the headers it chose (here: the pagination `Link`). */
export function sendWithHeaders(reply: HeaderReply, result: { status: number; body: unknown; headers: Record<string, string> }): void {
  for (const [name, value] of Object.entries(result.headers)) reply.header(name, value);
  reply.status(result.status).send(result.body);
}
