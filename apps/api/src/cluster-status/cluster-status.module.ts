import { Module } from '@nestjs/common';
import { ClusterStatusRepository } from './cluster-status.repository';
import { ClusterStatusService } from './cluster-status.service';
import { FluxEventsController } from './flux-events.controller';
import { FluxEventsService } from './flux-events.service';

/** Cluster status read back into Berth: the periodic reconciler and the signed Flux webhook. */
@Module({
  controllers: [FluxEventsController],
  providers: [ClusterStatusService, ClusterStatusRepository, FluxEventsService],
  exports: [ClusterStatusService],
})
export class ClusterStatusModule {}
