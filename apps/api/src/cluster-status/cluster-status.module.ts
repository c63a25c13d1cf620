import { Global, Module } from '@nestjs/common';
import { ClusterStatusRepository } from './cluster-status.repository';
import { ClusterStatusService } from './cluster-status.service';
import { FluxEventsController } from './flux-events.controller';
import { FluxEventsService } from './flux-events.service';

/**
 * Cluster status read back into Berth: the periodic reconciler and the signed Flux webhook. Global so that
 * NamespacesService can read quota usage (`used`) without another module importing this one.
 */
@Global()
@Module({
  controllers: [FluxEventsController],
  providers: [ClusterStatusService, ClusterStatusRepository, FluxEventsService],
  exports: [ClusterStatusService, ClusterStatusRepository],
})
export class ClusterStatusModule {}
