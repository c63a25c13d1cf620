import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';

/** Prisma on the pg driver adapter (no native query engine), with a pool of `max` connections. */
export function pgAdapter(config: BerthConfig, pool: { max: number; applicationName: string }): PrismaPg {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (embedded mode sets it before the app starts)');
  return new PrismaPg({ connectionString: config.databaseUrl, max: pool.max, application_name: pool.applicationName });
}

/** The PrismaClient of the API's repositories. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    super({ adapter: pgAdapter(config, { max: 20, applicationName: 'berth' }) });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** Last of all: shutdown work of other providers (a fleet batch, the expiry job) may still query. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/** The client handed to a `$transaction(async (tx) => ...)` callback. */
export type PrismaTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
