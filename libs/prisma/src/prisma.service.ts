import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { PgSql } from './sql';

/**
 * A pg pool for one of Berth's Prisma clients and its raw SQL. An idle connection's error (a database
 * restart) must never crash the process, whether or not Prisma ever connected through the pool: it is
 * logged, the pool drops that connection and the next query opens another.
 */
export function openPool(config: BerthConfig, opts: { max: number; applicationName: string; connectionTimeoutMillis?: number; logger: Logger }): Pool {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (embedded mode sets it before the app starts)');
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: opts.max,
    application_name: opts.applicationName,
    connectionTimeoutMillis: opts.connectionTimeoutMillis,
  });
  pool.on('error', (error: Error) => opts.logger.warn(`database pool ${opts.applicationName}: an idle connection failed: ${error.message}`));
  return pool;
}

/**
 * The PrismaClient of the API's repositories, on a pg pool it shares with the raw-SQL tenant units
 * (`withTenantLockOnPool`): one connection budget for both. Waiting longer than 10 s for a connection
 * fails the request (503, nothing changed) instead of queueing without end.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  readonly pool: Pool;
  /** Raw SQL straight on the pool, without Prisma's query pipeline: for the hottest reads (repositories only). */
  readonly sql: PgSql;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    const pool = openPool(config, { max: 20, applicationName: 'berth', connectionTimeoutMillis: 10_000, logger: new Logger(PrismaService.name) });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
    this.sql = new PgSql(pool);
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
