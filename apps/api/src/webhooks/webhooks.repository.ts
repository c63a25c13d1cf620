import { Injectable } from '@nestjs/common';
import type { WebhookSubscription } from '@prisma/client';
import { PrismaService, PrismaTx } from '@berth/prisma';

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
  constructor(private readonly prisma: PrismaService) {}

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

  create(tx: PrismaTx, data: NewSubscription) {
    return tx.webhookSubscription.create({ data });
  }

  delete(tx: PrismaTx, id: string) {
    return tx.webhookSubscription.delete({ where: { id }, select: PUBLIC_FIELDS });
  }

  /** The current secret becomes the previous one (still signing until `previousUntil`); `secret` signs from now on. */
  async rotate(tx: PrismaTx, id: string, secret: string, previousUntil: Date) {
    const [current] = await tx.$queryRaw<Array<{ secret: string }>>`SELECT secret FROM "WebhookSubscription" WHERE id = ${id}::uuid FOR UPDATE`;
    return tx.webhookSubscription.update({
      where: { id },
      data: { secret, previousSecret: current.secret, previousSecretExpiresAt: previousUntil },
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
   * `webhook-id`, so receivers can deduplicate). The caller wakes its stream in the same transaction.
   */
  async copyDelivery(tx: PrismaTx, subscriptionId: string, deliveryId: string) {
    const original = await tx.webhookDelivery.findFirstOrThrow({ where: { id: deliveryId, subscriptionId } });
    return tx.webhookDelivery.create({
      data: {
        subscriptionId,
        messageId: original.messageId,
        eventType: original.eventType,
        orderingKey: original.orderingKey,
        payload: original.payload as object,
      },
    });
  }
}
