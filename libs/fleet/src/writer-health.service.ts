import { Inject, Injectable, Logger } from '@nestjs/common';
import { backoffMs } from '@berth/common';
import { BerthMetrics } from '@berth/common/metrics';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { FleetWriterRepository } from './fleet-writer.repository';

/** First retry after a failed attempt; it doubles up to BERTH_FLEET_RETRY_MAX_SECONDS. */
const RETRY_BASE_MS = 1000;

/** The writer's health as this process last saw it (undefined: ok). The database holds the shared truth. */
interface Degraded {
  since: Date;
  failures: number;
  nextAttemptAt: Date;
  lastError: string;
}

/**
 * Degraded or ok, shared by every replica through the FleetStatus row: failed attempts are counted there with
 * the time the next one is due (capped exponential backoff); this process keeps its own view for logging (one
 * line per change of state) and for when the database itself is what failed.
 */
@Injectable()
export class WriterHealth {
  private readonly logger = new Logger('FleetWriter');
  private degraded?: Degraded;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly store: FleetWriterRepository,
    private readonly metrics: BerthMetrics,
  ) {}

  get lastError(): string | undefined {
    return this.degraded?.lastError;
  }

  /**
   * Before an attempt (holding the writer lock): `wait` while the last attempt of any replica failed and its
   * backoff has not run out; `degraded` while failures are counted (then even an empty attempt fetches).
   */
  async check(): Promise<{ wait: boolean; degraded: boolean }> {
    const health = await this.store.status();
    if (health && health.failures > 0 && health.nextAttemptAt && health.nextAttemptAt > new Date()) {
      this.saw({
        since: health.degradedSince ?? new Date(),
        failures: health.failures,
        nextAttemptAt: health.nextAttemptAt,
        lastError: health.lastError ?? '',
      });
      return { wait: true, degraded: true };
    }
    return { wait: false, degraded: (health?.failures ?? 0) > 0 };
  }

  async succeeded(): Promise<void> {
    await this.store.recordHealthy().catch(() => undefined);
    if (!this.degraded) return;
    const { failures, since } = this.degraded;
    this.degraded = undefined;
    this.logger.log(`fleet writer recovered after ${failures} failed attempt(s) (degraded since ${since.toISOString()}); pending changes are pushed`);
  }

  async failed(error: Error): Promise<void> {
    const capMs = this.config.fleet.retryMaxSeconds * 1000;
    const nextAt = (failures: number) => new Date(Date.now() + backoffMs(failures, { baseMs: RETRY_BASE_MS, capMs }));
    // The database may be what failed: then this process keeps counting on its own.
    const stored = await this.store.recordFailure(error.message, nextAt).catch(() => null);
    this.metrics.fleetRetries.inc();
    const failures = stored?.failures ?? (this.degraded?.failures ?? 0) + 1;
    this.saw({
      since: stored?.degradedSince ?? this.degraded?.since ?? new Date(),
      failures,
      nextAttemptAt: stored?.nextAttemptAt ?? nextAt(failures),
      lastError: error.message,
    });
    this.logger.debug(`fleet writer attempt failed (${failures} in a row), next at ${this.degraded!.nextAttemptAt.toISOString()}: ${error.message}`);
  }

  /** The sweep's next run: every sweep interval, sooner when a retry falls due before it. */
  nextSweepMs(): number {
    const sweepMs = this.config.fleet.sweepIntervalSeconds * 1000;
    if (!this.degraded) return sweepMs;
    return Math.min(sweepMs, Math.max(50, this.degraded.nextAttemptAt.getTime() - Date.now()));
  }

  /** One log line per change of state, not one per retry (each failure is on the requests and in the status). */
  private saw(health: Degraded): void {
    if (!this.degraded) {
      this.logger.warn(
        `fleet writer degraded: ${health.lastError || 'an attempt failed'}. Approved changes wait in the database; ` +
          `retrying with backoff up to ${this.config.fleet.retryMaxSeconds} s (see GET /v1/fleet/status)`,
      );
    }
    this.degraded = health;
  }
}
