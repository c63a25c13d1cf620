import { Injectable } from '@nestjs/common';
import type { WebhookSubscription } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { PrismaService } from '@berth/prisma';
import { WebhookQueue } from '@berth/webhooks';
import { recordAudit } from '../audit-events/audit.writer';

type NewSubscription = Pick<WebhookSubscription, 'tenantId' | 'url' | 'eventTypes' | 'description' | 'secret' | 'createdBy'>;

/** Secrets never leave this repository but at creation and rotation (the service returns them once). */
const PUBLIC_FIELDS = {
  id: true,
  tenantId: true,
  url: true,
  eventTypes: true,
  description: true,
  createdBy: true,
  createdAt: true,
  previousSecretExpiresAt: true,
} as const;

@Injectable()
export class WebhooksRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: WebhookQueue,
  ) {}

  list(tenantId: string | null, limit: number, after?: string) {
    return this.prisma.webhookSubscription.findMany({
      where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: PUBLIC_FIELDS,
    });
  }

  /** Scoped to the tenant (null: platform-wide): another tenant's id is simply not found. */
  find(tenantId: string | null, id: string) {
    return this.prisma.webhookSubscription.findFirst({ where: { id, tenantId }, select: PUBLIC_FIELDS });
  }

  create(caller: Caller, data: NewSubscription) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.webhookSubscription.create({ data });
      await recordAudit(tx, caller, {
        action: 'webhook.create',
        targetType: 'WebhookSubscription',
        targetId: row.id,
        tenantId: row.tenantId,
        after: { url: row.url, eventTypes: row.eventTypes },
      });
      return row;
    });
  }

  delete(caller: Caller, id: string) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.webhookSubscription.delete({ where: { id }, select: PUBLIC_FIELDS });
      await recordAudit(tx, caller, {
        action: 'webhook.delete',
        targetType: 'WebhookSubscription',
        targetId: id,
        tenantId: row.tenantId,
        before: { url: row.url },
      });
    });
  }

  /** The current secret becomes the previous one (still signing until `previousUntil`); `secret` signs from now on. */
  rotate(caller: Caller, id: string, secret: string, previousUntil: Date) {
    return this.prisma.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<Array<{ secret: string }>>`SELECT secret FROM "WebhookSubscription" WHERE id = ${id}::uuid FOR UPDATE`;
      const row = await tx.webhookSubscription.update({
        where: { id },
        data: { secret, previousSecret: current.secret, previousSecretExpiresAt: previousUntil },
      });
      await recordAudit(tx, caller, { action: 'webhook.rotate-secret', targetType: 'WebhookSubscription', targetId: id, tenantId: row.tenantId });
      return row;
    });
  }

  /** Newest first, by `seq`. */
  deliveries(subscriptionId: string, limit: number, before?: string) {
    return this.prisma.webhookDelivery.findMany({
      where: { subscriptionId, ...(before ? { seq: { lt: BigInt(before) } } : {}) },
      orderBy: { seq: 'desc' },
      take: limit + 1,
    });
  }

  findDelivery(subscriptionId: string, id: string) {
    return this.prisma.webhookDelivery.findFirst({ where: { id, subscriptionId } });
  }

  /**
   * A new attempt series for a delivered or dead message: a copy at the end of its stream (same
   * `webhook-id`, so receivers can deduplicate), woken in the same transaction.
   */
  redeliver(caller: Caller, subscriptionId: string, deliveryId: string) {
    return this.prisma.$transaction(async (tx) => {
      const original = await tx.webhookDelivery.findFirstOrThrow({ where: { id: deliveryId, subscriptionId } });
      const copy = await tx.webhookDelivery.create({
        data: {
          subscriptionId,
          messageId: original.messageId,
          eventType: original.eventType,
          orderingKey: original.orderingKey,
          payload: original.payload as object,
        },
      });
      await this.queue.wakeIn(tx, [{ subscriptionId, orderingKey: original.orderingKey }]);
      const sub = await tx.webhookSubscription.findUniqueOrThrow({ where: { id: subscriptionId }, select: { tenantId: true } });
      await recordAudit(tx, caller, {
        action: 'webhook.redeliver',
        targetType: 'WebhookSubscription',
        targetId: subscriptionId,
        tenantId: sub.tenantId,
        after: { messageId: original.messageId },
      });
      return copy;
    });
  }
}
