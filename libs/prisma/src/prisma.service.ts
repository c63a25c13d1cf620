import { Injectable, OnModuleDestroy, OnModuleInit, Inject } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';

/** The one PrismaClient of the process, on the pg driver adapter (no native query engine). */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (embedded mode sets it before the app starts)');
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 20 }) });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** The client handed to a `$transaction(async (tx) => ...)` callback. */
export type PrismaTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
