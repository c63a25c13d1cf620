import type { WebhookEventType } from './event-types';

/** What a domain seam hands to WebhookEvents.emit: one event about one namespace of one tenant. */
export interface WebhookEvent {
  type: WebhookEventType;
  tenantId: string;
  tenant: string;
  cluster: string;
  namespace: string;
  /** Event-specific fields, sent under `data` next to tenant, cluster and namespace. */
  data?: Record<string, unknown>;
}

/** The fields of a namespace request the namespace-request.* events carry. */
export interface RequestLike {
  id: string;
  tenantId: string;
  kind: string;
  namespace: string;
  cluster: string;
  state: string;
  requestedBy: string;
  decidedBy?: string | null;
  comment?: string | null;
}

export function requestEvent(type: WebhookEventType, request: RequestLike, tenant: string): WebhookEvent {
  return {
    type,
    tenantId: request.tenantId,
    tenant,
    cluster: request.cluster,
    namespace: request.namespace,
    data: {
      requestId: request.id,
      kind: request.kind,
      state: request.state,
      requestedBy: request.requestedBy,
      decidedBy: request.decidedBy ?? null,
      comment: request.comment ?? null,
    },
  };
}

/**
 * The Standard Webhooks payload: `type`, `timestamp` (when it happened) and `data`. Built once at
 * emit time and stored, so every attempt and redelivery sends the same bytes.
 */
export function payloadOf(event: WebhookEvent, at: Date): { type: string; timestamp: string; data: Record<string, unknown> } {
  return {
    type: event.type,
    timestamp: at.toISOString(),
    data: { tenant: event.tenant, cluster: event.cluster, namespace: event.namespace, ...event.data },
  };
}

/** Events of one namespace reach a subscription in the order they were emitted. */
export function orderingKeyOf(event: Pick<WebhookEvent, 'cluster' | 'namespace'>): string {
  return `${event.cluster}/${event.namespace}`;
}

/** A request the fleet writer just committed (what its UPDATE … RETURNING gives). */
export interface CommittedRow extends RequestLike {
  tenant: string;
  decidedAt: Date | null;
}

/**
 * `namespace.committed` for each committed request (with the commit), and `namespace.deleted` after it
 * for a Delete: in decision order, so two changes of one namespace in one commit keep their order.
 */
export function committedEvents(rows: CommittedRow[], commitSha: string): WebhookEvent[] {
  const sorted = [...rows].sort((a, b) => (a.decidedAt?.getTime() ?? 0) - (b.decidedAt?.getTime() ?? 0) || a.id.localeCompare(b.id));
  return sorted.flatMap((row) => {
    const committed = requestEvent('namespace.committed', row, row.tenant);
    committed.data = { ...committed.data, commitSha };
    return row.kind === 'Delete' ? [committed, { ...committed, type: 'namespace.deleted' as const }] : [committed];
  });
}

/** preview.created / preview.deleted: the pull request and its namespace. */
export function previewEvent(
  type: 'preview.created' | 'preview.deleted',
  preview: { tenantId: string; cluster: string; namespace: string; repository: string; pullRequest: number; headSha: string },
  tenant: string,
  requestId: string | null,
): WebhookEvent {
  const { tenantId, cluster, namespace, repository, pullRequest, headSha } = preview;
  return { type, tenantId, tenant, cluster, namespace, data: { repository, pullRequest, headSha, requestId } };
}
