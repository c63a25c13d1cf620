import { DynamicModule, Module } from '@nestjs/common';
import { BerthConfig, BerthConfigModule } from '@berth/config';
import { MetricsModule } from '@berth/common/metrics';
import { FleetWriterModule } from '@berth/fleet';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';

/** The fleet writer and webhook deliveries: no HTTP API (metrics on BERTH_METRICS_PORT when set). Run any number of replicas; one writes at a time. */
@Module({ imports: [PrismaModule, MetricsModule, FleetWriterModule, WebhooksModule] })
export class WorkerModule {
  static forRoot(config: BerthConfig): DynamicModule {
    return { module: WorkerModule, imports: [BerthConfigModule.forRoot(config)] };
  }
}
