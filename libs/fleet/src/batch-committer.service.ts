import { Inject, Injectable, Logger } from '@nestjs/common';
import { BerthMetrics } from '@berth/common/metrics';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { FleetRemoteError } from '@berth/gitops';
import { clusterTenantsDir } from '@berth/manifests';
import { commitMessage, TRAILER } from './commit-message';
import { isTransient } from './fleet-errors';
import { FleetRendering } from './fleet-rendering.service';
import { FleetRepoProvider } from './fleet-repo.provider';
import { FleetWriterRepository, PendingRequest } from './fleet-writer.repository';
import { type ClusterPath, ownedPaths, ownershipCollisions } from './ownership';
import { planBatch, type Plan } from './plan';
import { applyPlan, writeTenant } from './tree-writes';

/**
 * Commits approved changes, one bounded batch at a time, exactly once: requests already on the remote (found by
 * their trailer after a crash) are recorded, not committed again; a change that cannot be rendered fails alone;
 * a batch the remote refuses for its content is split in halves until the bad change is isolated.
 */
@Injectable()
export class BatchCommitter {
  private readonly logger = new Logger('FleetWriter');

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly store: FleetWriterRepository,
    private readonly rendering: FleetRendering,
    private readonly repos: FleetRepoProvider,
    private readonly metrics: BerthMetrics,
  ) {}

  /** One batch: returns how many requests it settled (0 when nothing is pending). */
  async commitNextBatch(): Promise<number> {
    const repo = this.repos.require();
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
          error.message,
          { countAttempt: false },
        );
      throw error;
    }
    if (landed.size > 0) {
      for (const [id, sha] of landed) await this.store.markRecovered(id, sha);
      batch = batch.filter((r) => !landed.has(r.id));
    }

    // Read once: the collision check, the index files and the owned paths of this batch see the same clusters.
    const [namespaces, clusters] = await Promise.all([
      this.store.namespaces(batch.map((r) => ({ cluster: r.cluster, name: r.namespace }))),
      this.store.clusters(),
    ]);
    const options = this.rendering.options;
    const plan = planBatch(batch, namespaces, options, ownershipCollisions(options, clusters).blocked);
    for (const failure of plan.failed) {
      this.logger.warn(`request ${failure.requestId} cannot be committed: ${failure.reason}`);
      await this.store.markFailed(failure.requestId, failure.reason, failure.namespaceId);
    }
    if (plan.requestIds.length > 0)
      await this.commit(
        batch.filter((r) => plan.requestIds.includes(r.id)),
        plan,
        clusters,
      );
    return landed.size + batch.length;
  }

  /**
   * Re-renders the onboarding files of tenants whose settings changed (their app repository) on every
   * cluster where they have a folder, in one commit. Namespaces are untouched.
   */
  async refreshTenants(tenants: string[]): Promise<void> {
    const repo = this.repos.require();
    const { options } = this.rendering;
    const clusters = await this.store.clusters();
    const ctx = await this.rendering.indexContext(tenants, clusters);
    const { sha } = await repo.commitBatch(
      async (tree) => {
        for (const cluster of await tree.listDirs(options.tenantsRoot)) {
          const present = new Set(await tree.listDirs(clusterTenantsDir(options, cluster)));
          for (const tenant of tenants) if (present.has(tenant)) await writeTenant(tree, cluster, tenant, ctx);
        }
      },
      {
        message: `Update onboarding of tenant${tenants.length > 1 ? 's' : ''} ${tenants.join(', ')}`,
        author: this.repos.author,
        owned: ownedPaths(options, clusters),
      },
    );
    if (sha) {
      await this.store.recordPush(sha);
      this.metrics.fleetCommits.inc();
      this.logger.log(`pushed ${sha.slice(0, 12)}: onboarding of ${tenants.join(', ')}`);
    }
  }

  private async commit(requests: PendingRequest[], plan: Plan, clusters: ReadonlyArray<ClusterPath>): Promise<void> {
    const repo = this.repos.require();
    const ctx = await this.rendering.indexContext(
      requests.map((r) => r.tenant.name),
      clusters,
    );
    const pushTimer = this.metrics.fleetPushDuration.startTimer();
    try {
      const { sha } = await repo.commitBatch((tree) => applyPlan(tree, plan.writes, ctx), {
        message: commitMessage(requests),
        trailers: requests.map((r) => [TRAILER, r.id] as [string, string]),
        author: this.repos.author,
        owned: ownedPaths(this.rendering.options, clusters),
        // commitNextBatch's trailer search fetched a moment ago; a stale head only costs a refused push and a retry.
        reuseKnownHead: true,
      });
      pushTimer({ result: 'ok' });
      // No diff means the remote already has this state (e.g. pushed before a crash): its head is the answer.
      const committed = sha ?? (await repo.headSha()) ?? 'unknown';
      // The push is recorded in the same transaction (FleetStatus.lastPush) when there was one.
      await this.store.markCommitted(plan.requestIds, committed, plan.rendered, { pushed: sha !== null });
      this.observeCommitted(requests);
      if (sha) {
        this.metrics.fleetCommits.inc();
        this.logger.log(`pushed ${sha.slice(0, 12)} with ${requests.length} request(s)`);
      }
    } catch (error) {
      pushTimer({ result: 'error' });
      const message = (error as Error).message;
      if (isTransient(error)) {
        // Transient: nothing lost, the requests stay Approved with the error visible, retried later.
        await this.store.recordAttempt(plan.requestIds, message, { countAttempt: false });
        throw error;
      }
      await this.isolate(requests, plan, message, clusters);
    }
  }

  /**
   * A batch failed for its content: split it so one bad change cannot block the rest, and set a change aside
   * once it has failed BERTH_FLEET_MAX_ATTEMPTS times on its own.
   */
  private async isolate(requests: PendingRequest[], plan: Plan, message: string, clusters: ReadonlyArray<ClusterPath>): Promise<void> {
    if (requests.length === 1) {
      if (requests[0].attempts + 1 >= this.config.fleet.maxAttempts) await this.store.markFailed(requests[0].id, message);
      else await this.store.recordAttempt([requests[0].id], message);
      return;
    }
    const half = Math.ceil(requests.length / 2);
    for (const part of [requests.slice(0, half), requests.slice(half)]) await this.commit(part, subPlan(plan, part), clusters);
  }

  /** Approval → Committed of each request of a recorded commit (its decision time is when it was approved). */
  private observeCommitted(requests: PendingRequest[]): void {
    const now = Date.now();
    for (const r of requests) if (r.decidedAt) this.metrics.approvalToCommitted.observe(Math.max(0, (now - r.decidedAt.getTime()) / 1000));
  }
}

/** The part of a plan that concerns these requests. */
function subPlan(plan: Plan, part: PendingRequest[]): Plan {
  const ids = new Set(part.map((r) => r.id));
  const refs = new Set(part.map((r) => `${r.cluster}/${r.namespace}`));
  return {
    writes: plan.writes.filter((w) => refs.has(`${w.cluster}/${w.name}`)),
    requestIds: plan.requestIds.filter((id) => ids.has(id)),
    rendered: plan.rendered.filter((n) => refs.has(n.ref)),
    failed: [],
  };
}
