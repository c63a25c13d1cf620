import { Module } from '@nestjs/common';
import { BerthConfigModule } from '@berth/config';
import { MetricsModule } from '@berth/common/metrics';
import { FleetWriterModule } from '@berth/gitops/writer';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';

/** The fleet writer and webhook deliveries: no HTTP API (metrics on BERTH_METRICS_PORT when set). Run any number of replicas; one writes at a time. */
@Module({ imports: [BerthConfigModule, PrismaModule, MetricsModule, FleetWriterModule, WebhooksModule] })
export class WorkerModule {}
