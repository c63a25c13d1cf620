import { Client } from 'pg';

/**
 * A PostgreSQL advisory lock key: one 64-bit number (`pg_advisory_lock(id)`), or a 32-bit class and a name
 * hashed by PostgreSQL (`pg_advisory_lock(classId, hashtext(name))`, one lock per name of the class).
 */
export type AdvisoryKey = { id: number } | { classId: number; name: string };

function lockCall(fn: string, key: AdvisoryKey): [string, unknown[]] {
  return 'id' in key ? [`SELECT ${fn}($1) AS locked`, [key.id]] : [`SELECT ${fn}($1, hashtext($2)) AS locked`, [key.classId, key.name]];
}

/**
 * Session-level advisory locks held on one dedicated connection of their own (outside every pool and
 * transaction), so a lock lives exactly as long as the work it guards, or as the process: a process that
 * dies releases its locks with its connection. A lost connection is replaced on the next call; `close()`
 * releases everything at once (shutdown: another replica takes over within a second).
 */
export class AdvisoryLocks {
  private client?: Promise<Client>;

  constructor(
    private readonly databaseUrl: string | undefined,
    private readonly applicationName: string,
  ) {}

  /** Waits for the lock (blocking this connection meanwhile), runs `work`, releases. */
  async withLock<T>(key: AdvisoryKey, work: () => Promise<T>): Promise<T> {
    const client = await this.connection();
    await client.query(...lockCall('pg_advisory_lock', key));
    try {
      return await work();
    } finally {
      await this.unlock(client, key);
    }
  }

  /**
   * Tries for the lock for up to `waitMs`, polling `pg_try_advisory_lock` so the connection, shared by every
   * key of this process, never blocks. `{ acquired: false }` when another session kept it all along.
   */
  async tryWithLock<T>(key: AdvisoryKey, waitMs: number, work: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const client = await this.connection();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(...lockCall('pg_try_advisory_lock', key));
      if (rows[0]?.locked) break;
      if (Date.now() >= deadline) return { acquired: false };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    try {
      return { acquired: true, value: await work() };
    } finally {
      await this.unlock(client, key);
    }
  }

  /** Ends the connection: every lock it holds is released by PostgreSQL. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  private async unlock(client: Client, key: AdvisoryKey): Promise<void> {
    // An unlock that fails leaves the lock's fate unknown: drop the connection, which releases it for sure.
    await client.query(...lockCall('pg_advisory_unlock', key)).catch(() => this.close());
  }

  private connection(): Promise<Client> {
    this.client ??= (async () => {
      const client = new Client({ connectionString: this.databaseUrl, application_name: this.applicationName });
      // A dropped connection releases its locks in PostgreSQL; make the next call open a new one.
      client.on('error', () => void this.close());
      await client.connect();
      return client;
    })().catch((error) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }
}
