import type { PendingRequest } from './fleet-writer.repository';

/** The trailer naming each request a commit carries: crash recovery finds a pushed request by it. */
export const TRAILER = 'Berth-Request';

/** One subject line, then a bullet per request (at most 50). */
export function commitMessage(requests: Array<Pick<PendingRequest, 'kind' | 'cluster' | 'namespace'> & { tenant: { name: string } }>): string {
  const lines = requests.slice(0, 50).map((r) => `- ${r.kind} ${r.cluster}/${r.namespace} (tenant ${r.tenant.name})`);
  if (requests.length > 50) lines.push(`- … and ${requests.length - 50} more`);
  const subject =
    requests.length === 1 ? `${requests[0].kind} namespace ${requests[0].namespace} on ${requests[0].cluster}` : `Apply ${requests.length} namespace changes`;
  return `${subject}\n\n${lines.join('\n')}`;
}
