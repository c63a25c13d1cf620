import { Module } from '@nestjs/common';
import { MetricsModule } from '@berth/common/metrics';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';
import { ClusterStatusRepository } from './cluster-status.repository';
import { ClusterStatusService } from './cluster-status.service';
import { FluxEventsController } from './flux-events.controller';
import { FluxEventsService } from './flux-events.service';

/** Cluster status read back into Berth: the periodic reconciler and the signed Flux webhook. */
@Module({
  imports: [PrismaModule, WebhooksModule, MetricsModule],
  controllers: [FluxEventsController],
  providers: [ClusterStatusService, ClusterStatusRepository, FluxEventsService],
  exports: [ClusterStatusService],
})
export class ClusterStatusModule {}
