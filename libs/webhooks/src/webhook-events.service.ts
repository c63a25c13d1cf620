import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { PrismaTx } from '@berth/prisma';
import { filtersMatching, matchesFilter, WebhookEventType } from './event-types';
import { newMessageId } from './signature';
import { orderingKeyOf, payloadOf, WebhookEvent } from './webhook-event';
import { WebhookQueue } from './webhook-queue.service';

/**
 * The one entry point of the domain seams. `emit` runs inside the seam's transaction: it writes a
 * delivery row per matching subscription and wakes their streams, so an event exists if and only if
 * the change that caused it was committed (the transactional outbox). No subscription: one query.
 */
@Injectable()
export class WebhookEvents {
  constructor(private readonly queue: WebhookQueue) {}

  async emit(tx: PrismaTx, events: WebhookEvent | WebhookEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    const subscriptions = await tx.webhookSubscription.findMany({
      where: {
        OR: [{ tenantId: null }, { tenantId: { in: [...new Set(list.map((e) => e.tenantId))] } }],
        eventTypes: { hasSome: [...new Set(list.flatMap((e) => filtersMatching(e.type)))] },
      },
      select: { id: true, tenantId: true, eventTypes: true },
    });
    if (subscriptions.length === 0) return;
    const now = new Date();
    const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
    for (const event of list) {
      const messageId = newMessageId();
      const payload = payloadOf(event, now) as Prisma.InputJsonObject;
      for (const sub of subscriptions) {
        if (sub.tenantId !== null && sub.tenantId !== event.tenantId) continue;
        if (!sub.eventTypes.some((f) => matchesFilter(f, event.type))) continue;
        rows.push({ subscriptionId: sub.id, messageId, eventType: event.type, orderingKey: orderingKeyOf(event), payload });
      }
    }
    if (rows.length === 0) return;
    // createMany keeps the rows' order in `seq` (one INSERT, values in order): emit order is delivery order.
    await tx.webhookDelivery.createMany({ data: rows });
    const streams = new Map(rows.map((r) => [`${r.subscriptionId}:${r.orderingKey}`, { subscriptionId: r.subscriptionId, orderingKey: r.orderingKey }]));
    await this.queue.wakeIn(tx, [...streams.values()]);
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
