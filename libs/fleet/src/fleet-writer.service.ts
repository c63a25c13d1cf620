import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask } from '@berth/common';
import { BerthMetrics } from '@berth/common/metrics';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { BatchCommitter } from './batch-committer.service';
import { DriftReport, FleetDrift } from './fleet-drift.service';
import { FleetWriterLock } from './fleet-lock';
import { FleetQueue } from './fleet-queue.service';
import { FleetRepoProvider } from './fleet-repo.provider';
import { FleetWakeups } from './fleet-wakeups';
import { FleetWriterRepository } from './fleet-writer.repository';
import { WriterHealth } from './writer-health.service';

/**
 * Turns approved desired state into commits on the fleet repository: one writer at a time per
 * repository (a PostgreSQL advisory lock), every pending change in one bounded batch, exactly once
 * (content rendered from the database; `Berth-Request` trailers found again after a crash).
 * This class is the lifecycle (queue worker, sweep, shutdown) and one attempt; batches are BatchCommitter's,
 * health and backoff WriterHealth's, drift and reconcile FleetDrift's.
 */
@Injectable()
export class FleetWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FleetWriter.name);
  private sweep?: PeriodicTask;
  /** The remote was reached once since start (until then a sweep with nothing to commit still fetches). */
  private primed = false;
  private stopping = false;
  /** This process drains the queue (BERTH_FLEET_WRITER=inline); drift and reconcile work either way. */
  private writing = false;
  private draining?: Promise<void>;
  /** A wake-up came while a drain ran (it may have been past its last look): drain once more after it. */
  private wokenWhileDraining = false;
  private wakeups?: FleetWakeups;
  /** Tenants whose onboarding files must be re-rendered (from `tenant` jobs). */
  private readonly tenantsToRefresh = new Set<string>();

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly queue: FleetQueue,
    private readonly store: FleetWriterRepository,
    private readonly batches: BatchCommitter,
    private readonly health: WriterHealth,
    private readonly lock: FleetWriterLock,
    private readonly repos: FleetRepoProvider,
    private readonly drifts: FleetDrift,
    metrics: BerthMetrics,
  ) {
    // Pending count and last push are the database's (any replica's writer), read at scrape.
    metrics.onScrape(async () => {
      const [pending, status] = await Promise.all([this.store.countPending(), this.store.status()]);
      metrics.fleetPending.set(pending);
      metrics.fleetLastPush.set(status?.lastPushAt ? status.lastPushAt.getTime() / 1000 : 0);
    });
  }

  /**
   * Starts without touching the remote: a fleet repository that is down at start (or later) never stops the
   * process, it only makes the writer degraded until an attempt succeeds.
   */
  async onApplicationBootstrap(): Promise<void> {
    // apps/worker always writes; the API process only when BERTH_FLEET_WRITER=inline (the embedded default).
    if (this.config.fleet.writer !== 'inline' || !this.config.fleet.repoUrl) return;
    this.repos.create();
    this.writing = true;
    await this.queue.work(async (jobs) => {
      const tenants = jobs.flatMap((job) => (job.data?.tenant ? [job.data.tenant] : []));
      for (const tenant of tenants) this.tenantsToRefresh.add(tenant);
      await this.drain();
      // A drain that was already past its last check when these jobs arrived: run one more.
      if (this.tenantsToRefresh.size > 0) await this.drain();
      // Approved requests wait in the database whatever happens to this job; a tenant's re-render lives only in
      // its job: fail it while not pushed, so pg-boss keeps it (and retries it) should this process stop.
      const left = tenants.filter((t) => this.tenantsToRefresh.has(t));
      if (left.length > 0) throw new Error(`onboarding of ${left.join(', ')} not pushed yet (${this.health.lastError ?? 'writer busy'})`);
    });
    // Approvals ring in their own transaction (pg_notify): the writer starts within milliseconds of a commit.
    this.wakeups = new FleetWakeups(this.config.databaseUrl, () => this.wake(), this.logger);
    await this.wakeups.start();
    this.sweep = new PeriodicTask({
      name: 'fleet writer sweep',
      every: () => this.health.nextSweepMs(),
      run: () => this.drain(),
      logger: this.logger,
      runAtStart: true,
    }).start();
  }

  /**
   * SIGTERM: stop fetching jobs, let the batch in flight finish (the loop stops after it), release the
   * advisory lock at once so another replica takes over, then stop the queue. Jobs this process had
   * fetched but not finished are completed by the batch or retried by pg-boss; the database still
   * holds every approved change, so nothing is lost either way.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.wakeups?.stop();
    await this.sweep?.stop();
    await this.queue.stopWorking();
    await this.draining;
    // The jobs this process fetched are done, but its loop may have left work behind: wake another replica
    // (it waits for the lock released just below) instead of leaving it to the next sweep.
    if (this.writing && (await this.store.countPending().catch(() => 0)) > 0) await this.queue.kick().catch(() => undefined);
    await this.lock.release();
    await this.repos.close();
    await this.queue.stop();
  }

  /**
   * Commits everything pending, batch after batch, while holding the writer lock. Never rejects: a failure
   * makes the writer degraded (recorded for every replica, shown by GET /v1/fleet/status) and the sweep retries
   * with capped exponential backoff; the database keeps every approved change meanwhile.
   */
  drain(): Promise<void> {
    if (!this.writing || this.stopping) return Promise.resolve();
    // One drain per process at a time; a wake-up during a drain is covered by its next loop.
    this.draining ??= this.attempt().finally(() => {
      this.draining = undefined;
      if (!this.wokenWhileDraining) return;
      this.wokenWhileDraining = false;
      void this.drain();
    });
    return this.draining;
  }

  /** The doorbell: drain now, or once more after the drain in flight (it may have been past its last look). */
  private wake(): void {
    if (this.draining) this.wokenWhileDraining = true;
    else void this.drain();
  }

  async status() {
    const [pending, queued, status] = await Promise.all([this.store.countPending(), this.queue.depth().catch(() => null), this.store.status()]);
    const failures = status?.failures ?? 0;
    const lastError = status?.lastError ? { message: status.lastError, at: status.lastErrorAt } : null;
    return {
      repository: this.config.fleet.repoUrl ? redactUrl(this.config.fleet.repoUrl) : null,
      branch: this.config.fleet.branch,
      pendingRequests: pending,
      queuedJobs: queued,
      lastPush: status?.lastPushSha ? { sha: status.lastPushSha, at: status.lastPushAt } : null,
      lastError,
      writer: {
        state: failures > 0 ? ('degraded' as const) : ('ok' as const),
        consecutiveFailures: failures,
        degradedSince: failures > 0 ? (status?.degradedSince ?? null) : null,
        nextAttemptAt: failures > 0 ? (status?.nextAttemptAt ?? null) : null,
        lastError,
        lastPushAt: status?.lastPushAt ?? null,
      },
    };
  }

  /** Compares what Berth would render with the remote head, for every path Berth owns. */
  drift(): Promise<DriftReport> {
    return this.drifts.drift();
  }

  /** Rewrites every path Berth owns from the database in one commit (null when nothing drifted). */
  reconcile(): Promise<string | null> {
    return this.drifts.reconcile();
  }

  /** One attempt of the writer: everything pending, or nothing while a failed attempt's backoff runs. */
  private async attempt(): Promise<void> {
    try {
      const attempted = await this.lock.run(async () => {
        const health = await this.health.check();
        // The last attempt (of any replica) failed and its backoff has not run out: leave the remote alone.
        if (health.wait) return false;
        let settled = 0;
        while (!this.stopping) {
          const count = await this.batches.commitNextBatch();
          if (count === 0) break;
          settled += count;
        }
        const tenants = [...this.tenantsToRefresh];
        if (!this.stopping && tenants.length > 0) {
          await this.batches.refreshTenants(tenants);
          for (const tenant of tenants) this.tenantsToRefresh.delete(tenant);
        }
        // Nothing to commit proves nothing about the remote: at start and while degraded, fetch to find out.
        if (settled === 0 && tenants.length === 0 && (!this.primed || health.degraded)) await this.repos.require().open();
        return true;
      });
      if (attempted) {
        this.primed = true;
        await this.health.succeeded();
      }
    } catch (error) {
      await this.health.failed(error as Error);
    }
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]+@/, '//***@');
}
