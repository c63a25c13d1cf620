import { Module } from '@nestjs/common';
import { MetricsModule } from '@berth/common/metrics';
import { WebhooksModule } from '@berth/webhooks';
import { BatchCommitter } from './batch-committer.service';
import { FleetDrift } from './fleet-drift.service';
import { FleetWriterLock } from './fleet-lock';
import { FleetPrisma } from './fleet-prisma.service';
import { FleetQueue } from './fleet-queue.service';
import { FleetRendering } from './fleet-rendering.service';
import { FleetRepoProvider } from './fleet-repo.provider';
import { FleetWriterRepository } from './fleet-writer.repository';
import { FleetWriter } from './fleet-writer.service';
import { WriterHealth } from './writer-health.service';

/** The queue (needed wherever approvals happen) and the writer (drains it where enabled). */
@Module({
  imports: [MetricsModule, WebhooksModule],
  providers: [
    FleetQueue,
    FleetWriter,
    BatchCommitter,
    WriterHealth,
    FleetDrift,
    FleetRendering,
    FleetRepoProvider,
    FleetWriterLock,
    FleetWriterRepository,
    FleetPrisma,
  ],
  exports: [FleetQueue, FleetWriter],
})
export class FleetWriterModule {}
