import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import type { PrismaTx } from '@berth/prisma';

export const WEBHOOK_QUEUE = 'webhook-delivery';

/** A wake-up for one ordered stream: the deliveries of one subscription for one namespace. */
export interface WebhookJob {
  subscriptionId: string;
  orderingKey: string;
}

/** pg-boss runs its SQL through this when a job must be part of the caller's transaction (as FleetQueue does). */
function inTransaction(tx: PrismaTx): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const params = values.map((v) => (v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v));
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

/**
 * The webhook delivery queue (pg-boss, same PostgreSQL). A job only says "this stream has work": the
 * deliveries themselves, their order and their attempts live in WebhookDelivery. The `stately` policy
 * with a singleton key per stream allows at most one queued and one running job per stream, so one
 * worker at a time sends a stream's deliveries, oldest first: per-namespace order across replicas.
 */
@Injectable()
export class WebhookQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookQueue.name);
  private readonly boss: PgBoss;
  private started = false;
  private stopped = false;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
    this.boss = new PgBoss({ connectionString: config.databaseUrl, schema: 'pgboss', max: 2, schedule: false, supervise: true });
    this.boss.on('error', (error: Error) => {
      if (!this.stopped) this.logger.error(`queue: ${error.message}`);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    this.started = true;
    if (!(await this.boss.getQueue(WEBHOOK_QUEUE))) {
      await this.boss
        .createQueue(WEBHOOK_QUEUE, {
          name: WEBHOOK_QUEUE,
          policy: 'stately',
          // A handler that throws (database trouble) is retried; delivery failures are not errors of the job.
          retryLimit: 20,
          retryDelay: 5,
          retryBackoff: true,
          expireInSeconds: 300,
          retentionMinutes: 60,
        })
        .catch((error: Error) => {
          if (!/duplicate|exists/i.test(error.message)) throw error;
        });
    }
  }

  /** Wakes streams inside the caller's transaction (the outbox: no event without its wake-up, and no wake-up without it). */
  async wakeIn(tx: PrismaTx, jobs: WebhookJob[]): Promise<void> {
    for (const job of jobs) await this.boss.send(WEBHOOK_QUEUE, job, { db: inTransaction(tx), singletonKey: streamKey(job) });
  }

  /** Wakes a stream at `at` (a retry) or now. A stream that already has a queued job keeps that one. */
  async wake(job: WebhookJob, at?: Date): Promise<void> {
    await this.boss.send(WEBHOOK_QUEUE, job, { singletonKey: streamKey(job), ...(at ? { startAfter: at } : {}) });
  }

  work(handler: (job: WebhookJob) => Promise<void>): Promise<string> {
    return this.boss.work<WebhookJob>(WEBHOOK_QUEUE, { batchSize: 4, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      // Jobs of a batch are distinct streams (stately + singleton key): run them side by side.
      await Promise.all(jobs.map((job) => handler(job.data)));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.stopped = true;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}

function streamKey(job: WebhookJob): string {
  return `${job.subscriptionId}:${job.orderingKey}`;
}
