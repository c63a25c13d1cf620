import { Injectable } from '@nestjs/common';
import { PrismaService } from '@berth/prisma';

/** What the dispatcher reads and records. */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The oldest undelivered message of a stream, with what is needed to send it. */
  head(subscriptionId: string, orderingKey: string) {
    return this.prisma.webhookDelivery.findFirst({
      where: { subscriptionId, orderingKey, status: 'Pending' },
      orderBy: { seq: 'asc' },
      include: { subscription: { select: { url: true, secret: true, previousSecret: true, previousSecretExpiresAt: true } } },
    });
  }

  succeeded(id: string, attempts: number, statusCode: number | undefined, durationMs: number, at: Date) {
    return this.prisma.webhookDelivery.update({
      where: { id },
      data: { status: 'Succeeded', attempts, lastStatusCode: statusCode ?? null, lastDurationMs: durationMs, lastError: null, deliveredAt: at },
    });
  }

  failed(id: string, attempt: { attempts: number; statusCode?: number; durationMs: number; error: string; dead: boolean; nextAttemptAt: Date }) {
    return this.prisma.webhookDelivery.update({
      where: { id },
      data: {
        status: attempt.dead ? 'Dead' : 'Pending',
        attempts: attempt.attempts,
        lastStatusCode: attempt.statusCode ?? null,
        lastDurationMs: attempt.durationMs,
        lastError: attempt.error.slice(0, 1000),
        nextAttemptAt: attempt.nextAttemptAt,
      },
    });
  }
}
