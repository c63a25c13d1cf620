/** Every event Berth sends, `<resource>.<what happened>`. Subscriptions name these or wildcards (`namespace.*`, `*`). */
export const WEBHOOK_EVENT_TYPES = [
  'namespace-request.created',
  'namespace-request.pending-approval',
  'namespace-request.approved',
  'namespace-request.rejected',
  'namespace-request.cancelled',
  'namespace.committed',
  'namespace.ready',
  'namespace.failed',
  'namespace.expiring',
  'namespace.deleted',
  'preview.created',
  'preview.deleted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const RESOURCES = [...new Set(WEBHOOK_EVENT_TYPES.map((t) => t.split('.')[0]))];

/** A subscription filter: an exact event type, `<resource>.*`, or `*`. */
export function isEventFilter(filter: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return RESOURCES.includes(filter.slice(0, -2));
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(filter);
}

/**
 * The stored filters a SQL `&&` (array overlap) must meet for `type`: the type itself, its resource's
 * wildcard and `*`. Matching in the database keeps the fan-out one query whatever the subscription count.
 */
export function filtersMatching(type: string): string[] {
  return [type, `${type.split('.')[0]}.*`, '*'];
}
