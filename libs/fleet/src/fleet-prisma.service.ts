import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { openPool, PgSql } from '@berth/prisma';

/**
 * The fleet writer's own small connection pool. Sharing the API's pool starved the writer: under a burst of
 * approvals every pooled connection sits in a transaction waiting for a tenant's row lock, and the writer's
 * queries queued behind all of them, so nothing was committed until the burst was over.
 * Prisma serves the cold paths; the queries of every batch go straight to the pool (`sql`, or a unit of
 * work on one of its connections), without Prisma's query compiler, which cost about 1 ms of CPU a query
 * on the event loop the writer shares with the API.
 */
@Injectable()
export class FleetPrisma extends PrismaClient implements OnApplicationShutdown {
  readonly pool: Pool;
  /** Raw SQL straight on the pool, typed as Prisma's raw queries type it (the writer's repository only). */
  readonly sql: PgSql;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    const pool = openPool(config, { max: 4, applicationName: 'berth-fleet-writer', logger: new Logger(FleetPrisma.name) });
    // The pool is ended here, not by the adapter: Prisma disposes an adapter only if it ever connected, and
    // a writer whose batches never reach a cold path never makes it connect.
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    this.sql = new PgSql(pool);
  }

  /** After the writer's beforeApplicationShutdown (its last batch) has run. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }
}
