import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { NotFoundError, PeriodicTask } from '@berth/common';
import { BerthMetrics } from '@berth/common/metrics';
import { AdvisoryLocks } from '@berth/prisma';
import { ClusterClient, ClusterClients, ClusterError, KustomizationStatus, PullObservation, shaOfRevision } from '@berth/cluster';
import { pullResourceSetNames } from '@berth/manifests';
import { ClusterStatusRepository } from './cluster-status.repository';
import { containsCommit } from './commit-ancestry';
import { pullVerdict } from './pull-readiness';

/** Names "cluster status" among PostgreSQL advisory locks; the second key is hashtext(cluster name). */
const STATUS_LOCK_CLASS = 0x62737473; // 'bsts'
const LOCK_WAIT_MS = 30_000;
/** Ready=False reasons that say "not yet", not "this revision is broken". */
const TRANSIENT_REASONS = new Set(['Progressing', 'DependencyNotReady', 'ReconciliationInProgress']);

export interface ReconcileResult {
  cluster: string;
  /** ok: read and applied; skipped: no credentials; busy: another replica is on it; error: the read failed. */
  outcome: 'ok' | 'skipped' | 'busy' | 'error';
  revision?: string | null;
  ready?: number;
  failed?: number;
  usageUpdated?: number;
  error?: string;
}

/** What the reconciler learnt about a cluster, from its API or from a Flux event. */
export interface Observed {
  kustomization: KustomizationStatus;
  /** Managed Namespaces present on the cluster; null: unknown (a webhook without API access). */
  namespaces: Set<string> | null;
  quotaUsed: Map<string, Record<string, string>> | null;
}

/**
 * Cluster status back into Berth: reads each cluster's Flux Kustomization `berth-tenants` (push mode) or its
 * Flux Operator ResourceSets `berth` / `berth-<i>` (pull mode, see pull-readiness.ts), its managed Namespaces and
 * their ResourceQuota usage, and moves namespaces Committed → Ready (or Failed with Flux's message). A periodic job per cluster (BERTH_STATUS_INTERVAL_SECONDS) that is safe on any number of
 * replicas: each run holds a PostgreSQL advisory lock for its cluster (`pg_try_advisory_lock`), so one
 * replica reads a cluster at a time and the others skip it; every row update is also guarded by the state
 * and commit it read, so even overlapping runs could not move a namespace wrongly.
 */
@Injectable()
export class ClusterStatusService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ClusterStatusService.name);
  private readonly clients: ClusterClients;
  private readonly inflight = new Map<string, Promise<ReconcileResult>>();
  private task?: PeriodicTask;
  private readonly locks: AdvisoryLocks;
  private stopping = false;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly store: ClusterStatusRepository,
    private readonly metrics: BerthMetrics,
  ) {
    const { kubeconfigDir, inClusterName } = config.clusterStatus;
    this.clients = new ClusterClients({ kubeconfigDir, inClusterName }, { onWarning: (message) => this.logger.warn(message) });
    // One connection for every cluster's lock, polled (pg_try_advisory_lock) so it never blocks.
    this.locks = new AdvisoryLocks(config.databaseUrl, 'berth-cluster-status');
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.clusterStatus.intervalSeconds;
    if (seconds <= 0) return;
    this.task = new PeriodicTask({ name: 'cluster status job', every: seconds * 1000, run: () => this.tick(), logger: this.logger }).start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    await Promise.allSettled([...this.inflight.values()]);
    this.clients.closeAll();
    await this.locks.close();
  }

  /** The client of a cluster (null: no credentials). Throws NotFoundError for an unknown cluster. */
  async clientFor(name: string): Promise<ClusterClient | null> {
    const cluster = await this.store.findCluster(name);
    if (!cluster) throw new NotFoundError('Cluster', name);
    return this.clients.get(cluster);
  }

  /**
   * Reads one cluster now and applies what it says. `wait: false` (the periodic job) skips a cluster
   * another replica is reading; the default waits for it (up to 30 s), so a webhook's news is never lost.
   */
  async reconcileCluster(name: string, opts: { wait?: boolean } = {}): Promise<ReconcileResult> {
    const wait = opts.wait ?? true;
    let running = this.inflight.get(name);
    if (running && !wait) return running;
    while (running) {
      await running.catch(() => undefined);
      running = this.inflight.get(name);
    }
    const run = this.withClusterLock(name, wait, () => this.readAndApply(name)).finally(() => this.inflight.delete(name));
    this.inflight.set(name, run);
    return run;
  }

  /**
   * Applies an observation made elsewhere (a signed Flux event about berth-tenants), under the same lock. A pull-mode
   * cluster has no berth-tenants Kustomization: such an event says nothing about its namespaces.
   */
  async applyObserved(name: string, observed: Observed): Promise<ReconcileResult> {
    if ((await this.store.findCluster(name))?.delivery === 'pull') return { cluster: name, outcome: 'skipped' };
    return this.withClusterLock(name, true, () => this.apply(name, observed, new Date()));
  }

  /** One periodic pass over every cluster. */
  async reconcileAll(): Promise<ReconcileResult[]> {
    const results: ReconcileResult[] = [];
    for (const { name } of await this.store.clusters()) {
      if (this.stopping) break;
      results.push(
        await this.reconcileCluster(name, { wait: false }).catch((error: Error) => ({ cluster: name, outcome: 'error' as const, error: error.message })),
      );
    }
    return results;
  }

  /** One run of the periodic job (PeriodicTask keeps runs from overlapping and logs a failure). */
  private async tick(): Promise<void> {
    if (this.stopping) return;
    for (const r of await this.reconcileAll()) if (r.outcome === 'error') this.logger.warn(`status of ${r.cluster}: ${r.error}`);
  }

  private async readAndApply(name: string): Promise<ReconcileResult> {
    const now = new Date();
    let observed: Observed;
    try {
      const cluster = await this.store.findCluster(name);
      if (!cluster) throw new NotFoundError('Cluster', name);
      const client = this.clients.get(cluster);
      if (!client) return { cluster: name, outcome: 'skipped' };
      if (cluster.delivery === 'pull') {
        const pulled = await client.observePull(pullResourceSetNames(cluster.pullShards));
        return await this.applyPull(name, pulled, cluster.pullShards, now);
      }
      observed = await client.observe();
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error;
      // Unreachable, 401, timeout…: namespaces stay as they are; the cluster shows why.
      await this.store.recordError(name, error.message, now);
      return { cluster: name, outcome: 'error', error: error.message };
    }
    return this.apply(name, observed, now);
  }

  private async apply(name: string, observed: Observed, now: Date): Promise<ReconcileResult> {
    const { kustomization: k, namespaces, quotaUsed } = observed;
    const applied = shaOfRevision(k.lastAppliedRevision);
    const attempted = shaOfRevision(k.lastAttemptedRevision) ?? applied;
    const awaiting = await this.store.awaiting(name);
    const times = await this.store.commitTimes([
      ...new Set([...awaiting.map((n) => n.commitSha!), ...(applied ? [applied] : []), ...(attempted ? [attempted] : [])]),
    ]);
    const gitDir = this.config.fleet.workdir;
    const contains = async (revision: string | null, sha: string) => (revision ? containsCommit(revision, sha, times, gitDir) : null);

    const toReady: Array<{ id: string; commitSha: string }> = [];
    const toFail: Array<{ id: string; commitSha: string }> = [];
    const status = k.ready?.status;
    for (const ns of awaiting) {
      const sha = ns.commitSha!;
      if (status === 'True') {
        if ((await contains(applied, sha)) && (namespaces === null || namespaces.has(ns.name))) toReady.push({ id: ns.id, commitSha: sha });
      } else if (status === 'False' && ns.state === 'Committed' && !TRANSIENT_REASONS.has(k.ready?.reason ?? '')) {
        // Applied before the failing revision: not this namespace's fault, it stays Committed.
        if ((await contains(attempted, sha)) && !(await contains(applied, sha))) toFail.push({ id: ns.id, commitSha: sha });
      }
    }
    const reason = [k.ready?.reason, k.ready?.message].filter(Boolean).join(': ') || 'Kustomization not ready';
    const ready = toReady.length ? await this.store.markReady(toReady, now) : 0;
    if (ready) this.observeReady(toReady, times, now);
    const failed = toFail.length ? await this.store.markFailed(toFail, reason) : 0;

    const usageUpdated = await this.copyUsage(name, quotaUsed);

    await this.store.recordStatus(name, {
      ready: status === undefined ? null : status === 'True',
      revision: k.lastAppliedRevision,
      message: k.ready ? (k.ready.message ?? k.ready.reason) : 'Flux has not reported a Ready condition for berth-tenants yet',
      checkedAt: now,
    });
    if (ready || failed) this.logger.log(`${name}: ${ready} namespace(s) Ready, ${failed} Failed (revision ${k.lastAppliedRevision ?? '-'})`);
    return { cluster: name, outcome: 'ok', revision: k.lastAppliedRevision, ready, failed, usageUpdated };
  }

  /** Pull mode: the ResourceSet of each namespace's shard, its Namespace and the request it carries (pull-readiness.ts). */
  private async applyPull(name: string, observed: PullObservation, shards: number, now: Date): Promise<ReconcileResult> {
    const verdict = pullVerdict(await this.store.awaiting(name), observed, shards);
    const ready = verdict.toReady.length ? await this.store.markReady(verdict.toReady, now) : 0;
    if (ready) this.observeReady(verdict.toReady, await this.store.commitTimes([...new Set(verdict.toReady.map((n) => n.commitSha))]), now);
    let failed = 0;
    for (const reason of new Set(verdict.toFail.map((f) => f.reason))) {
      failed += await this.store.markFailed(
        verdict.toFail.filter((f) => f.reason === reason),
        reason || 'ResourceSet not ready',
      );
    }
    const usageUpdated = await this.copyUsage(name, observed.quotaUsed);
    await this.store.recordStatus(name, { ...verdict.cluster, checkedAt: now });
    if (ready || failed) this.logger.log(`${name}: ${ready} namespace(s) Ready, ${failed} Failed (ResourceSets ${verdict.cluster.revision ?? '-'})`);
    return { cluster: name, outcome: 'ok', revision: verdict.cluster.revision, ready, failed, usageUpdated };
  }

  /** Committed → Ready of each namespace made Ready, from when its commit was recorded. */
  private observeReady(toReady: Array<{ commitSha: string }>, commitTimes: Map<string, Date>, now: Date): void {
    for (const { commitSha } of toReady) {
      const at = commitTimes.get(commitSha);
      if (at) this.metrics.committedToReady.observe(Math.max(0, (now.getTime() - at.getTime()) / 1000));
    }
  }

  private async copyUsage(name: string, quotaUsed: Map<string, Record<string, string>> | null): Promise<number> {
    let usageUpdated = 0;
    if (!quotaUsed) return usageUpdated;
    for (const ns of await this.store.live(name)) {
      const used = quotaUsed.get(ns.name);
      if (used && !sameMap(used, ns.used as Record<string, string> | null)) {
        await this.store.setUsed(ns.id, used);
        usageUpdated += 1;
      }
    }
    return usageUpdated;
  }

  /** Runs `work` holding this cluster's advisory lock; `busy` when another replica holds it (and we may not wait). */
  private async withClusterLock(name: string, wait: boolean, work: () => Promise<ReconcileResult>): Promise<ReconcileResult> {
    const locked = await this.locks.tryWithLock({ classId: STATUS_LOCK_CLASS, name }, wait ? LOCK_WAIT_MS : 0, async () => {
      const result = await work().catch((error: Error) => {
        this.metrics.clusterStatusRead(name, 'error');
        throw error;
      });
      this.metrics.clusterStatusRead(name, result.outcome);
      return result;
    });
    return locked.acquired ? locked.value : { cluster: name, outcome: 'busy' };
  }
}

function sameMap(a: Record<string, string>, b: Record<string, string> | null): boolean {
  if (!b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
