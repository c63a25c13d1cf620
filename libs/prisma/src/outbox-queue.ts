import type { Logger } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { SqlTx } from './sql';

/** pg-boss runs its SQL through this when a job must be part of the caller's transaction (the outbox). */
export function pgBossIn(tx: SqlTx): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const params = values.map((v) => (v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v));
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

/**
 * One pg-boss queue in Berth's own PostgreSQL, shared by the fleet writer's and the webhooks' queues:
 * start, create the queue once, stop. Jobs are wake-ups; what to do lives in Berth's tables.
 */
export class OutboxQueue {
  readonly boss: PgBoss;
  private started = false;
  private stopped = false;

  constructor(
    databaseUrl: string | undefined,
    private readonly queue: PgBoss.Queue,
    max: number,
    logger: Logger,
  ) {
    if (!databaseUrl) throw new Error('DATABASE_URL is not set');
    this.boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max, schedule: false, supervise: true });
    // After stop() the pool may still be closing while the database goes away (embedded mode): those
    // connection errors are expected and not worth an ERROR line.
    this.boss.on('error', (error: Error) => {
      if (!this.stopped) logger.error(`queue: ${error.message}`);
    });
  }

  get running(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    await this.boss.start();
    this.started = true;
    if (await this.boss.getQueue(this.queue.name)) return;
    await this.boss.createQueue(this.queue.name, this.queue).catch((error: Error) => {
      // Another replica created it meanwhile.
      if (!/duplicate|exists/i.test(error.message)) throw error;
    });
  }

  async stop(timeoutMs: number): Promise<void> {
    if (!this.started) return;
    this.stopped = true;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
  }
}
