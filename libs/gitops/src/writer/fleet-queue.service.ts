import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import type { PrismaTx } from '@berth/prisma';

export const FLEET_QUEUE = 'fleet-sync';

export interface FleetJob {
  /** An approved request to commit. */
  requestId?: string;
  /** A tenant whose onboarding files (service account, app repository) must be re-rendered. */
  tenant?: string;
}

/** pg-boss runs its SQL through this when a job must be part of the caller's transaction. */
function inTransaction(tx: PrismaTx): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const params = values.map((v) => (v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v));
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

/**
 * The fleet writer's queue (pg-boss, in the same PostgreSQL). Approvals enqueue a job in their own
 * transaction — the transactional outbox — so an approval and its pending commit exist together or not
 * at all; workers on any replica drain it.
 */
@Injectable()
export class FleetQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FleetQueue.name);
  private readonly boss: PgBoss;
  private started = false;
  private stopped = false;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
    this.boss = new PgBoss({ connectionString: config.databaseUrl, schema: 'pgboss', max: 4, schedule: false, supervise: true });
    // After stop() the pool may still be closing while the database goes away (embedded mode): those
    // connection errors are expected and not worth an ERROR line.
    this.boss.on('error', (error: Error) => {
      if (!this.stopped) this.logger.error(`queue: ${error.message}`);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    this.started = true;
    if (!(await this.boss.getQueue(FLEET_QUEUE))) {
      // A job is only a wake-up call: the database holds what to commit, so retries are cheap and safe.
      await this.boss
        .createQueue(FLEET_QUEUE, {
          name: FLEET_QUEUE,
          policy: 'standard',
          retryLimit: 50,
          retryDelay: 2,
          retryBackoff: true,
          expireInSeconds: 300,
          retentionMinutes: 60,
        })
        .catch((error: Error) => {
          if (!/duplicate|exists/i.test(error.message)) throw error;
        });
    }
  }

  /** The outbox record of an approved change, written in the approval's transaction. */
  async enqueue(tx: PrismaTx, requestId: string): Promise<void> {
    await this.boss.send(FLEET_QUEUE, { requestId } satisfies FleetJob, { db: inTransaction(tx) });
  }

  /** The tenant's onboarding changed (e.g. its app repository): re-render it, in the change's transaction. */
  async enqueueTenant(tx: PrismaTx, tenant: string): Promise<void> {
    await this.boss.send(FLEET_QUEUE, { tenant } satisfies FleetJob, { db: inTransaction(tx) });
  }

  /** A wake-up outside any transaction (sweeps, retries). */
  async kick(): Promise<void> {
    await this.boss.send(FLEET_QUEUE, {});
  }

  work(handler: (jobs: PgBoss.Job<FleetJob>[]) => Promise<void>): Promise<string> {
    return this.boss.work<FleetJob>(FLEET_QUEUE, { batchSize: 500, pollingIntervalSeconds: 0.5 }, handler);
  }

  /** Stops fetching; active handlers finish (a batch in flight completes or fails as a whole). */
  async stopWorking(): Promise<void> {
    if (this.started) await this.boss.offWork(FLEET_QUEUE);
  }

  depth(): Promise<number> {
    return this.boss.getQueueSize(FLEET_QUEUE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopped = true;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 20_000 });
  }
}
