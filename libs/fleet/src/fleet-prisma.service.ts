import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { pgAdapter } from '@berth/prisma';

/**
 * The fleet writer's own small connection pool. Sharing the API's pool starved the writer: under a burst of
 * approvals every pooled connection sits in a transaction waiting for a tenant's row lock, and the writer's
 * queries queued behind all of them, so nothing was committed until the burst was over.
 */
@Injectable()
export class FleetPrisma extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    super({ adapter: pgAdapter(config, { max: 4, applicationName: 'berth-fleet-writer' }) });
  }

  /** After the writer's beforeApplicationShutdown (its last batch) has run. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
