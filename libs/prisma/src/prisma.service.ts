import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';

/** The one PrismaClient of the process, on the pg driver adapter (no native query engine). */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (embedded mode sets it before the app starts)');
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 20 }) });
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
