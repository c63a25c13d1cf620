import type { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The channel approvals notify in their own transaction (`pg_notify`): PostgreSQL delivers it only if that transaction commits. */
export const FLEET_CHANNEL = 'berth_fleet';

const RECONNECT_MS = 1000;

/**
 * The fleet writer's doorbell: LISTENs on a dedicated connection and calls `onWake` for every notification,
 * and once after every (re)connect, since what was notified while nobody listened is not delivered later.
 * A wake-up is only a hint: approved changes wait in the database, and the writer's sweep finds them too.
 */
export class FleetWakeups {
  /** The connection listening, or being set up to. */
  private client?: Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  /** Not listening since a failure: logged once per outage, not once per retry. */
  private lost = false;

  constructor(
    private readonly databaseUrl: string | undefined,
    private readonly onWake: () => void,
    private readonly logger: Logger,
  ) {}

  /** Never rejects: a database that is down at start is retried every second. */
  async start(): Promise<void> {
    if (!this.databaseUrl) throw new Error('DATABASE_URL is not set');
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'berth-fleet-wakeups' });
    this.client = client;
    client.on('notification', () => this.onWake());
    // A lost connection ends the client (error, then end): listen again on a new one.
    client.on('error', (error: Error) => this.reconnectSoon(client, error));
    client.on('end', () => this.reconnectSoon(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${FLEET_CHANNEL}`);
      if (this.lost) this.logger.log('fleet wake-ups: listening again');
      this.lost = false;
      this.onWake();
    } catch (error) {
      this.reconnectSoon(client, error as Error);
    }
  }

  private reconnectSoon(client: Client, error?: Error): void {
    // Late events of a connection already given up on say nothing new.
    if (this.stopped || this.retry || client !== this.client) return;
    if (!this.lost) this.logger.warn(`fleet wake-ups: ${error?.message ?? 'connection ended'}; retrying every ${RECONNECT_MS} ms (the sweep covers the gap)`);
    this.lost = true;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
