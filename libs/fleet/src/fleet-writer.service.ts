import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { clusterTenantsDir, namespaceDir, OwnershipCollision, renderNamespace, RenderOptions, tenantDir, TenantSyncRepo } from '@berth/manifests';
import { FleetConflictError, FleetRemoteError } from '../errors';
import { FleetRepo } from '../fleet-repo';
import type { FleetTree } from '../tree';
import {
  applyPlan,
  FLUX_ERROR_PREFIX,
  IndexContext,
  namespaceSpecOf,
  ownedPaths,
  ownershipCollisions,
  planBatch,
  renderOptionsOf,
  writeClusterIndex,
  writeTenant,
} from './fleet-plan';
import { FleetQueue } from './fleet-queue.service';
import { FleetWriterRepository, LiveNamespace, PendingRequest } from './fleet-writer.repository';
import { backoffMs, ConflictError, DomainError, PeriodicTask } from '@berth/common';
import { BerthMetrics } from '@berth/common/metrics';

export const TRAILER = 'Berth-Request';
/** Any constant works: it names "the fleet writer" among PostgreSQL advisory locks. */
const WRITER_LOCK_KEY = 0x62657274; // 'bert'
/** First retry after a failed attempt; it doubles up to BERTH_FLEET_RETRY_MAX_SECONDS. */
const RETRY_BASE_MS = 1000;

/** The writer's health as this process last saw it (undefined: ok). The database holds the shared truth. */
interface Degraded {
  since: Date;
  failures: number;
  nextAttemptAt: Date;
  lastError: string;
}

export interface DriftReport {
  head: string | null;
  changed: string[];
  missing: string[];
  unexpected: string[];
  /** Files two owners would render (e.g. two clusters with one fleetPath): nothing is written to them. */
  collisions: OwnershipCollision[];
}

/**
 * Turns approved desired state into commits on the fleet repository: one writer at a time per
 * repository (a PostgreSQL advisory lock), every pending change in one bounded batch, exactly once
 * (content rendered from the database; `Berth-Request` trailers found again after a crash).
 */
@Injectable()
export class FleetWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FleetWriter.name);
  private readonly options: RenderOptions;
  private repo?: FleetRepo;
  private lockClient?: Client;
  private sweep?: PeriodicTask;
  private degraded?: Degraded;
  /** The remote was reached once since start (until then a sweep with nothing to commit still fetches). */
  private primed = false;
  private stopping = false;
  /** This process drains the queue (BERTH_FLEET_WRITER=inline); drift and reconcile work either way. */
  private writing = false;
  private draining?: Promise<void>;
  /** Tenants whose onboarding files must be re-rendered (from `tenant` jobs). */
  private readonly tenantsToRefresh = new Set<string>();
  private opening?: Promise<FleetRepo>;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly queue: FleetQueue,
    private readonly store: FleetWriterRepository,
    private readonly metrics: BerthMetrics,
  ) {
    this.options = renderOptionsOf(config.fleet);
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
    this.repo = this.openRepo();
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
      if (left.length > 0) throw new Error(`onboarding of ${left.join(', ')} not pushed yet (${this.degraded?.lastError ?? 'writer busy'})`);
    });
    this.sweep = new PeriodicTask({
      name: 'fleet writer sweep',
      every: () => this.nextSweepMs(),
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
    await this.sweep?.stop();
    await this.queue.stopWorking();
    await this.draining;
    // The jobs this process fetched are done, but its loop may have left work behind: wake another replica
    // (it waits for the lock released just below) instead of leaving it to the next sweep.
    if (this.writing && (await this.store.countPending().catch(() => 0)) > 0) await this.queue.kick().catch(() => undefined);
    await this.releaseLock();
    await this.repo?.close();
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
    this.draining ??= this.attempt().finally(() => (this.draining = undefined));
    return this.draining;
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
    return unreachableAs503(() => this.computeDrift());
  }

  /** Rewrites every path Berth owns from the database in one commit (null when nothing drifted). */
  reconcile(): Promise<string | null> {
    return unreachableAs503(() => this.rewriteOwnedPaths());
  }

  private async computeDrift(): Promise<DriftReport> {
    const repo = await this.ensureRepo();
    const expected = await this.renderAll();
    const { collisions } = ownershipCollisions(this.options, expected.clusters);
    const report: DriftReport = { head: null, changed: [], missing: [], unexpected: [], collisions };
    await repo.commitBatch(
      async (tree) => {
        report.changed = [];
        report.missing = [];
        report.unexpected = [];
        for (const [path, content] of expected.files) {
          const actual = await tree.read(path);
          if (actual === null) report.missing.push(path);
          else if (actual !== content) report.changed.push(path);
        }
        for (const dir of await this.ownedDirs(tree)) if (!expected.dirs.has(dir)) report.unexpected.push(`${dir}/`);
      },
      { message: 'drift check (never committed)', author: this.author(), owned: ownedPaths(this.options, expected.clusters) },
    );
    report.head = await repo.headSha();
    return report;
  }

  private async rewriteOwnedPaths(): Promise<string | null> {
    const repo = await this.ensureRepo();
    return this.withLock(async () => {
      const expected = await this.renderAll();
      assertNoCollisions(this.options, expected.clusters);
      const { sha } = await repo.commitBatch(
        async (tree) => {
          for (const dir of await this.ownedDirs(tree)) if (!expected.dirs.has(dir)) await tree.removeDir(dir);
          for (const dir of expected.dirs) await tree.removeDir(dir);
          for (const [path, content] of expected.files) await tree.write(path, content);
        },
        { message: "Reconcile fleet repository with Berth's desired state", author: this.author(), owned: ownedPaths(this.options, expected.clusters) },
      );
      if (sha) {
        await this.store.recordPush(sha);
        this.metrics.fleetCommits.inc();
      }
      return sha;
    });
  }

  /** One attempt of the writer: everything pending, or nothing while a failed attempt's backoff runs. */
  private async attempt(): Promise<void> {
    try {
      const attempted = await this.withLock(async () => {
        const health = await this.store.status();
        // The last attempt (of any replica) failed and its backoff has not run out: leave the remote alone.
        if (health && health.failures > 0 && health.nextAttemptAt && health.nextAttemptAt > new Date()) {
          this.sawDegraded({
            since: health.degradedSince ?? new Date(),
            failures: health.failures,
            nextAttemptAt: health.nextAttemptAt,
            lastError: health.lastError ?? '',
          });
          return false;
        }
        let settled = 0;
        while (!this.stopping) {
          const count = await this.commitNextBatch();
          if (count === 0) break;
          settled += count;
        }
        const tenants = this.tenantsToRefresh.size;
        if (!this.stopping && tenants > 0) await this.refreshTenants();
        // Nothing to commit proves nothing about the remote: at start and while degraded, fetch to find out.
        if (settled === 0 && tenants === 0 && (!this.primed || (health?.failures ?? 0) > 0)) await this.requireRepo().open();
        return true;
      });
      if (attempted) await this.succeeded();
    } catch (error) {
      await this.failed(error as Error);
    }
  }

  private async succeeded(): Promise<void> {
    this.primed = true;
    await this.store.recordHealthy().catch(() => undefined);
    if (!this.degraded) return;
    const { failures, since } = this.degraded;
    this.degraded = undefined;
    this.logger.log(`fleet writer recovered after ${failures} failed attempt(s) (degraded since ${since.toISOString()}); pending changes are pushed`);
  }

  private async failed(error: Error): Promise<void> {
    const capMs = this.config.fleet.retryMaxSeconds * 1000;
    const nextAt = (failures: number) => new Date(Date.now() + backoffMs(failures, { baseMs: RETRY_BASE_MS, capMs }));
    // The database may be what failed: then this process keeps counting on its own.
    const stored = await this.store.recordFailure(error.message, nextAt).catch(() => null);
    this.metrics.fleetRetries.inc();
    const failures = stored?.failures ?? (this.degraded?.failures ?? 0) + 1;
    this.sawDegraded({
      since: stored?.degradedSince ?? this.degraded?.since ?? new Date(),
      failures,
      nextAttemptAt: stored?.nextAttemptAt ?? nextAt(failures),
      lastError: error.message,
    });
    this.logger.debug(`fleet writer attempt failed (${failures} in a row), next at ${this.degraded!.nextAttemptAt.toISOString()}: ${error.message}`);
  }

  /** One log line per change of state, not one per retry (each failure is on the requests and in the status). */
  private sawDegraded(health: Degraded): void {
    if (!this.degraded) {
      this.logger.warn(
        `fleet writer degraded: ${health.lastError || 'an attempt failed'}. Approved changes wait in the database; ` +
          `retrying with backoff up to ${this.config.fleet.retryMaxSeconds} s (see GET /v1/fleet/status)`,
      );
    }
    this.degraded = health;
  }

  /** The sweep's next run: every sweep interval, sooner when a retry falls due before it. */
  private nextSweepMs(): number {
    const sweepMs = this.config.fleet.sweepIntervalSeconds * 1000;
    if (!this.degraded) return sweepMs;
    return Math.min(sweepMs, Math.max(50, this.degraded.nextAttemptAt.getTime() - Date.now()));
  }

  /**
   * Re-renders the onboarding files of tenants whose settings changed (their app repository) on every
   * cluster where they have a folder, in one commit. Namespaces are untouched.
   */
  private async refreshTenants(): Promise<void> {
    const tenants = [...this.tenantsToRefresh];
    const repo = this.requireRepo();
    const ctx = await this.indexContext(tenants);
    const { sha } = await repo.commitBatch(
      async (tree) => {
        for (const cluster of await tree.listDirs(this.options.tenantsRoot)) {
          const present = new Set(await tree.listDirs(clusterTenantsDir(this.options, cluster)));
          for (const tenant of tenants) if (present.has(tenant)) await writeTenant(tree, cluster, tenant, ctx);
        }
      },
      {
        message: `Update onboarding of tenant${tenants.length > 1 ? 's' : ''} ${tenants.join(', ')}`,
        author: this.author(),
        owned: ownedPaths(this.options, await this.store.clusters()),
      },
    );
    for (const tenant of tenants) this.tenantsToRefresh.delete(tenant);
    if (sha) {
      await this.store.recordPush(sha);
      this.metrics.fleetCommits.inc();
      this.logger.log(`pushed ${sha.slice(0, 12)}: onboarding of ${tenants.join(', ')}`);
    }
  }

  /** One batch: returns how many requests it settled (0 when nothing is pending). */
  private async commitNextBatch(): Promise<number> {
    const repo = this.requireRepo();
    let batch = await this.store.pending(this.config.fleet.batchSize);
    if (batch.length === 0) return 0;
    this.metrics.fleetBatches.inc();

    // Crash recovery: a previous writer may have pushed these and died before recording it.
    let landed: Map<string, string>;
    try {
      landed = await repo.findCommitsWithTrailer(
        TRAILER,
        batch.map((r) => r.id),
        { maxCommits: 5000 },
      );
    } catch (error) {
      // The remote is down before anything was tried: still show it on the requests (they stay Approved).
      if (error instanceof FleetRemoteError)
        await this.store.recordAttempt(
          batch.map((r) => r.id),
          (error as Error).message,
          { countAttempt: false },
        );
      throw error;
    }
    if (landed.size > 0) {
      for (const [id, sha] of landed) await this.store.markRecovered(id, sha);
      batch = batch.filter((r) => !landed.has(r.id));
    }

    const namespaces = await this.store.namespaces(batch.map((r) => ({ cluster: r.cluster, name: r.namespace })));
    const plan = planBatch(batch, namespaces, this.options, ownershipCollisions(this.options, await this.store.clusters()).blocked);
    for (const failure of plan.failed) {
      this.logger.warn(`request ${failure.requestId} cannot be committed: ${failure.reason}`);
      await this.store.markFailed(failure.requestId, failure.reason, failure.namespaceId);
    }
    if (plan.requestIds.length > 0)
      await this.commit(
        batch.filter((r) => plan.requestIds.includes(r.id)),
        plan,
      );
    return landed.size + batch.length;
  }

  private async commit(requests: PendingRequest[], plan: ReturnType<typeof planBatch>): Promise<void> {
    const repo = this.requireRepo();
    const ctx = await this.indexContext(requests.map((r) => r.tenant.name));
    const pushTimer = this.metrics.fleetPushDuration.startTimer();
    try {
      const { sha } = await repo.commitBatch((tree) => applyPlan(tree, plan.writes, ctx), {
        message: commitMessage(requests),
        trailers: requests.map((r) => [TRAILER, r.id] as [string, string]),
        author: this.author(),
        owned: ownedPaths(this.options, await this.store.clusters()),
      });
      pushTimer({ result: 'ok' });
      // No diff means the remote already has this state (e.g. pushed before a crash): its head is the answer.
      const committed = sha ?? (await repo.headSha()) ?? 'unknown';
      await this.store.markCommitted(plan.requestIds, committed, plan.rendered);
      this.observeCommitted(requests);
      if (sha) {
        await this.store.recordPush(sha);
        this.metrics.fleetCommits.inc();
        this.logger.log(`pushed ${sha.slice(0, 12)} with ${requests.length} request(s)`);
      }
    } catch (error) {
      pushTimer({ result: 'error' });
      const message = (error as Error).message;
      if (error instanceof FleetRemoteError || error instanceof FleetConflictError) {
        // Transient: nothing lost, the requests stay Approved with the error visible, retried later.
        await this.store.recordAttempt(plan.requestIds, message, { countAttempt: false });
        throw error;
      }
      // Anything else is about the content: split the batch so one bad change cannot block the rest,
      // and set a change aside once it has failed BERTH_FLEET_MAX_ATTEMPTS times on its own.
      if (requests.length === 1) {
        if (requests[0].attempts + 1 >= this.config.fleet.maxAttempts) await this.store.markFailed(requests[0].id, message);
        else await this.store.recordAttempt([requests[0].id], message);
        return;
      }
      const half = Math.ceil(requests.length / 2);
      for (const part of [requests.slice(0, half), requests.slice(half)]) {
        const ids = new Set(part.map((r) => r.id));
        const refs = new Set(part.map((r) => `${r.cluster}/${r.namespace}`));
        await this.commit(part, {
          writes: plan.writes.filter((w) => refs.has(`${w.cluster}/${w.name}`)),
          requestIds: plan.requestIds.filter((id) => ids.has(id)),
          rendered: plan.rendered.filter((n) => refs.has(n.ref)),
          failed: [],
        });
      }
    }
  }

  /** Approval → Committed of each request of a recorded commit (its decision time is when it was approved). */
  private observeCommitted(requests: PendingRequest[]): void {
    const now = Date.now();
    for (const r of requests) if (r.decidedAt) this.metrics.approvalToCommitted.observe(Math.max(0, (now - r.decidedAt.getTime()) / 1000));
  }

  private async indexContext(tenantNames: string[]): Promise<IndexContext> {
    const [tenants, clusters] = await Promise.all([this.store.tenantsByName([...new Set(tenantNames)]), this.store.clusters()]);
    return {
      options: this.options,
      syncRepos: new Map(tenants.map((t) => [t.name, (t.syncRepo as TenantSyncRepo | null) ?? null])),
      clusterPaths: new Map(clusters.map((c) => [c.name, c.fleetPath])),
    };
  }

  /** Every file Berth would write for the whole desired state, and the folders it owns. */
  private async renderAll() {
    const live = await this.store.allLive();
    const clusters = await this.store.clusters();
    const ctx = await this.indexContext(live.map((n) => n.tenant.name));
    const files = new Map<string, string>();
    const dirs = new Set<string>();
    const memory = memoryTree(files);
    const byTenant = new Map<string, LiveNamespace[]>();
    // A namespace the writer could never render stays out; one Flux failed to apply stays in.
    for (const ns of live.filter((n) => n.state !== 'Failed' || n.lastError?.startsWith(FLUX_ERROR_PREFIX))) {
      const dir = namespaceDir(this.options, ns.cluster, ns.tenant.name, ns.name);
      for (const [file, content] of Object.entries(renderNamespace(namespaceSpecOf(ns), this.options))) files.set(`${dir}/${file}`, content);
      dirs.add(dir);
      const key = `${ns.cluster}/${ns.tenant.name}`;
      byTenant.set(key, [...(byTenant.get(key) ?? []), ns]);
    }
    for (const [key] of byTenant) {
      const [cluster, tenant] = key.split('/');
      dirs.add(tenantDir(this.options, cluster, tenant));
      await writeTenant(memory, cluster, tenant, ctx);
    }
    for (const cluster of clusters) await writeClusterIndex(memory, cluster.name, ctx);
    return { files, dirs, clusters };
  }

  /** Tenant and namespace folders present in the tree under each cluster's tenants folder. */
  private async ownedDirs(tree: FleetTree): Promise<string[]> {
    const found: string[] = [];
    for (const cluster of await tree.listDirs(this.options.tenantsRoot)) {
      const clusterDir = clusterTenantsDir(this.options, cluster);
      for (const tenant of await tree.listDirs(clusterDir)) {
        const dir = `${clusterDir}/${tenant}`;
        found.push(dir);
        for (const ns of await tree.listDirs(dir)) found.push(`${dir}/${ns}`);
      }
    }
    return found;
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.lockConnection();
    // Blocks while another replica writes; it releases at once when that batch ends (or its process dies).
    await client.query('SELECT pg_advisory_lock($1)', [WRITER_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK_KEY]).catch(() => this.releaseLock());
    }
  }

  private async lockConnection(): Promise<Client> {
    if (this.lockClient) return this.lockClient;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'berth-fleet-writer' });
    client.on('error', () => (this.lockClient = undefined));
    await client.connect();
    this.lockClient = client;
    return client;
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    await client?.end().catch(() => undefined);
  }

  private openRepo(): FleetRepo {
    const { fleet } = this.config;
    return new FleetRepo({
      url: fleet.repoUrl!,
      branch: fleet.branch,
      workdir: fleet.workdir,
      owned: [`${this.options.tenantsRoot}/`],
      auth: {
        sshKeyFile: fleet.auth.sshKeyFile,
        sshKnownHostsFile: fleet.auth.sshKnownHostsFile,
        username: fleet.auth.username,
        tokenFile: fleet.auth.tokenFile,
      },
      logger: this.logger,
    });
  }

  /**
   * Drift and reconcile need the repository even where this process does not drain the queue (an API
   * with BERTH_FLEET_WRITER=off next to apps/worker): open this process's own clone on first use.
   */
  private async ensureRepo(): Promise<FleetRepo> {
    if (this.repo) return this.repo;
    if (!this.config.fleet.repoUrl) {
      throw new ConflictError('No fleet repository is configured (BERTH_FLEET_REPO_URL)', [
        { code: 'no-fleet-repository', message: 'set BERTH_FLEET_REPO_URL' },
      ]);
    }
    this.opening ??= (async () => {
      const repo = this.openRepo();
      await repo.open();
      this.repo = repo;
      return repo;
    })().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private requireRepo(): FleetRepo {
    if (!this.repo) throw new Error('The fleet writer is not running in this process (BERTH_FLEET_WRITER=off)');
    return this.repo;
  }

  private author() {
    return this.config.fleet.author;
  }
}

/** The fleet repository's remote being down is not the caller's fault, nor ours: 503, retry later. */
async function unreachableAs503<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FleetRemoteError || error instanceof FleetConflictError) {
      throw new DomainError(503, `The fleet repository cannot be reached: ${(error as Error).message}`, [
        { code: 'fleet-unreachable', message: (error as Error).message },
      ]);
    }
    throw error;
  }
}

/** Reconcile rewrites every owned path: with a file of two owners it would pick one at random, so it refuses (409). */
function assertNoCollisions(options: RenderOptions, clusters: Array<{ name: string; fleetPath: string }>): void {
  const { collisions } = ownershipCollisions(options, clusters);
  if (collisions.length === 0) return;
  throw new ConflictError(
    `Refusing to reconcile: ${collisions.length} file(s) would have two owners; give each cluster its own fleetPath`,
    collisions.map((c) => ({ code: 'fleet-ownership-collision', message: `${c.path} is claimed by ${c.owners.join(', ')}`, path: c.path, owners: c.owners })),
  );
}

/** A FleetTree over a plain map, to render index files without a repository. */
function memoryTree(files: Map<string, string>): FleetTree {
  const dirsUnder = (path: string) => {
    const prefix = `${path}/`;
    const names = new Set<string>();
    for (const key of files.keys())
      if (key.startsWith(prefix)) {
        const rest = key.slice(prefix.length);
        if (rest.includes('/')) names.add(rest.slice(0, rest.indexOf('/')));
      }
    return [...names].sort();
  };
  return {
    read: async (p) => files.get(p) ?? null,
    write: async (p, c) => void files.set(p, c.toString()),
    remove: async (p) => void files.delete(p),
    removeDir: async (p) => {
      for (const key of [...files.keys()]) if (key.startsWith(`${p}/`)) files.delete(key);
    },
    listDirs: async (p) => dirsUnder(p),
    exists: async (p) => files.has(p) || dirsUnder(p).length > 0,
  };
}

function commitMessage(requests: PendingRequest[]): string {
  const lines = requests.slice(0, 50).map((r) => `- ${r.kind} ${r.cluster}/${r.namespace} (tenant ${r.tenant.name})`);
  if (requests.length > 50) lines.push(`- … and ${requests.length - 50} more`);
  const subject =
    requests.length === 1 ? `${requests[0].kind} namespace ${requests[0].namespace} on ${requests[0].cluster}` : `Apply ${requests.length} namespace changes`;
  return `${subject}\n\n${lines.join('\n')}`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]+@/, '//***@');
}
