import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { OutboxQueue, pgBossIn, type SqlTx } from '@berth/prisma';

export const WEBHOOK_QUEUE = 'webhook-delivery';

/** A wake-up for one ordered stream: the deliveries of one subscription for one namespace. */
export interface WebhookJob {
  subscriptionId: string;
  orderingKey: string;
}

/**
 * The webhook delivery queue (pg-boss, same PostgreSQL). A job only says "this stream has work": the
 * deliveries themselves, their order and their attempts live in WebhookDelivery. The `stately` policy
 * with a singleton key per stream allows at most one queued and one running job per stream, so one
 * worker at a time sends a stream's deliveries, oldest first: per-namespace order across replicas.
 */
@Injectable()
export class WebhookQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly queue: OutboxQueue;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    // A handler that throws (database trouble) is retried; delivery failures are not errors of the job.
    const options = {
      name: WEBHOOK_QUEUE,
      policy: 'stately',
      retryLimit: 20,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 300,
      retentionMinutes: 60,
    } as const;
    this.queue = new OutboxQueue(config.databaseUrl, options, 2, new Logger(WebhookQueue.name));
  }

  private get boss(): PgBoss {
    return this.queue.boss;
  }

  onModuleInit(): Promise<void> {
    return this.queue.start();
  }

  /** Wakes streams inside the caller's transaction (the outbox: no event without its wake-up, and no wake-up without it). */
  async wakeIn(tx: SqlTx, jobs: WebhookJob[]): Promise<void> {
    for (const job of jobs) await this.boss.send(WEBHOOK_QUEUE, job, { db: pgBossIn(tx), singletonKey: streamKey(job) });
  }

  /** Wakes a stream at `at` (a retry) or now. A stream that already has a queued job keeps that one. */
  async wake(job: WebhookJob, at?: Date): Promise<void> {
    await this.boss.send(WEBHOOK_QUEUE, job, { singletonKey: streamKey(job), ...(at ? { startAfter: at } : {}) });
  }

  work(handler: (job: WebhookJob) => Promise<void>): Promise<string> {
    return this.boss.work<WebhookJob>(WEBHOOK_QUEUE, { batchSize: 4, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      // Jobs of a batch are distinct streams (stately + singleton key): run them side by side. A failure (database
      // trouble) fails the whole batch for a retry, but only once every drain has stopped: rejecting early would let
      // a retried job start a second drain of a stream whose first one is still sending.
      const results = await Promise.allSettled(jobs.map((job) => handler(job.data)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.queue.stop(10_000);
  }
}

function streamKey(job: WebhookJob): string {
  return `${job.subscriptionId}:${job.orderingKey}`;
}
