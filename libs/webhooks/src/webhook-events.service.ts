import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { PrismaTx, SqlTx } from '@berth/prisma';
import { filtersMatching, WebhookEventType } from './event-types';
import { newMessageId } from './signature';
import { orderingKeyOf, payloadOf, WebhookEvent } from './webhook-event';
import { WebhookJob, WebhookQueue } from './webhook-queue.service';

/**
 * The one entry point of the domain seams. `emit` runs inside the seam's transaction: it writes a
 * delivery row per matching subscription and wakes their streams, so an event exists if and only if
 * the change that caused it was committed (the transactional outbox). No subscription: one statement.
 */
@Injectable()
export class WebhookEvents {
  constructor(private readonly queue: WebhookQueue) {}

  async emit(tx: SqlTx, events: WebhookEvent | WebhookEvent[]): Promise<void> {
    const fanOut = this.fanOut(events);
    if (fanOut) await this.wake(tx, await tx.$queryRaw<WebhookJob[]>(fanOut));
  }

  /**
   * The fan-out of `events` as one statement (null for none), whatever the subscription count: a delivery row
   * per matching subscription (the tenant's and the platform's whose filters match), inserted in emit order so
   * `seq` is delivery order; it returns the streams it fed, for `wake`. A caller may run it as a part of a
   * larger statement (the decision seam does, to save a round trip under the tenant lock).
   */
  fanOut(events: WebhookEvent | WebhookEvent[]): Prisma.Sql | null {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return null;
    const now = new Date();
    const rows = list.map((event, ord) => ({
      ord,
      tenantId: event.tenantId,
      type: event.type,
      filters: filtersMatching(event.type),
      messageId: newMessageId(),
      orderingKey: orderingKeyOf(event),
      payload: payloadOf(event, now),
    }));
    return Prisma.sql`
      INSERT INTO "WebhookDelivery" (id, "subscriptionId", "messageId", "eventType", "orderingKey", payload, "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid(), s.id, e."messageId", e.type, e."orderingKey", e.payload, ${now}, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             AS e(ord int, "tenantId" uuid, type text, filters text[], "messageId" text, "orderingKey" text, payload jsonb)
        JOIN "WebhookSubscription" s ON (s."tenantId" IS NULL OR s."tenantId" = e."tenantId") AND s."eventTypes" && e.filters
       ORDER BY e.ord, s.id
      RETURNING "subscriptionId", "orderingKey"`;
  }

  /** Wakes the streams a fan-out fed, in the same transaction (the outbox); nothing when it fed none. */
  async wake(tx: SqlTx, fed: WebhookJob[]): Promise<void> {
    if (fed.length === 0) return;
    const distinct = new Map(fed.map((r) => [`${r.subscriptionId}:${r.orderingKey}`, { subscriptionId: r.subscriptionId, orderingKey: r.orderingKey }]));
    await this.queue.wakeIn(tx, [...distinct.values()]);
  }

  /** An event about one namespace row (status changes), read inside the seam's transaction. */
  async emitForNamespace(tx: PrismaTx, type: WebhookEventType, namespaceId: string, data: Record<string, unknown> = {}): Promise<void> {
    const ns = await tx.namespace.findUnique({
      where: { id: namespaceId },
      select: { tenantId: true, cluster: true, name: true, state: true, commitSha: true, requestId: true, tenant: { select: { name: true } } },
    });
    if (!ns) return;
    const { tenant, tenantId, cluster, name, ...fields } = ns;
    await this.emit(tx, { type, tenantId, tenant: tenant.name, cluster, namespace: name, data: { ...fields, ...data } });
  }
}
