import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import PgBoss from 'pg-boss';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { OutboxQueue, pgBossIn, type SqlTx } from '@berth/prisma';
import { FLEET_CHANNEL } from './fleet-wakeups';

export const FLEET_QUEUE = 'fleet-sync';

/** A wake-up (a kick), or a tenant to re-render. Approvals ring the doorbell instead (see wakeExpression). */
export interface FleetJob {
  /** A tenant whose onboarding files (service account, app repository) must be re-rendered. */
  tenant?: string;
}

/**
 * How the fleet writer is woken. Approvals ring its doorbell (`pg_notify`) in their own transaction: the
 * approved rows are the outbox, so an approval and its pending commit exist together or not at all. The
 * pg-boss queue (in the same PostgreSQL) carries what rows do not hold (a tenant to re-render) and
 * kicks from a stopping writer to another replica.
 */
@Injectable()
export class FleetQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly queue: OutboxQueue;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    // A job is only a wake-up call: the database holds what to commit, so retries are cheap and safe.
    const options = {
      name: FLEET_QUEUE,
      policy: 'standard',
      retryLimit: 50,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 300,
      retentionMinutes: 60,
    } as const;
    this.queue = new OutboxQueue(config.databaseUrl, options, 4, new Logger(FleetQueue.name));
  }

  private get boss(): PgBoss {
    return this.queue.boss;
  }

  onModuleInit(): Promise<void> {
    return this.queue.start();
  }

  /**
   * The outbox's doorbell for approved changes, as an SQL expression for the approval's own statement:
   * PostgreSQL delivers the notification only if the transaction commits, and the change itself waits in
   * the database (the writer's sweep finds it even if nobody was listening).
   */
  wakeExpression(): Prisma.Sql {
    return Prisma.sql`pg_notify(${FLEET_CHANNEL}, '')`;
  }

  /** The doorbell on its own statement, in the caller's transaction. */
  async wakeIn(tx: SqlTx): Promise<void> {
    await tx.$queryRaw`SELECT ${this.wakeExpression()}`;
  }

  /** The tenant's onboarding changed (e.g. its app repository): re-render it, in the change's transaction. */
  async enqueueTenant(tx: SqlTx, tenant: string): Promise<void> {
    await this.boss.send(FLEET_QUEUE, { tenant } satisfies FleetJob, { db: pgBossIn(tx) });
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
    if (this.queue.running) await this.boss.offWork(FLEET_QUEUE);
  }

  depth(): Promise<number> {
    return this.boss.getQueueSize(FLEET_QUEUE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  stop(): Promise<void> {
    return this.queue.stop(20_000);
  }
}
