import { Module } from '@nestjs/common';
import { MetricsModule } from '@berth/common/metrics';
import { PrismaModule } from '@berth/prisma';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookEvents } from './webhook-events.service';
import { WebhookQueue } from './webhook-queue.service';

/** Emitting (wherever domain changes happen) and delivering (where the fleet writer runs). */
@Module({
  imports: [PrismaModule, MetricsModule],
  providers: [WebhookQueue, WebhookEvents, WebhookDispatcher, WebhookDeliveryRepository],
  exports: [WebhookEvents, WebhookQueue, WebhookDispatcher],
})
export class WebhooksModule {}
