import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds buckets for durations that span milliseconds (HTTP, git push) to a minute. */
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds buckets for lifecycle steps: a second (auto-approved, pushed at once) to a day (Flux down overnight). */
const LIFECYCLE_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

/** A source read when Prometheus scrapes (e.g. a count from the database); it sets gauges itself. */
export type ScrapeHook = () => Promise<void>;

/**
 * Every metric Berth exports, in one registry per process (not prom-client's global one: tests boot several
 * applications in one process). The HTTP server, the decision path, the fleet writer, the status reconciler and
 * webhook deliveries update them; gauges read from the database are refreshed by scrape hooks, so every replica
 * reports the shared truth and nothing polls between scrapes.
 */
@Injectable()
export class BerthMetrics {
  private readonly logger = new Logger(BerthMetrics.name);
  readonly registry = new Registry();
  private readonly hooks: ScrapeHook[] = [];

  readonly httpDuration = new Histogram({
    name: 'berth_http_requests_duration_seconds',
    help: 'HTTP requests handled, by route template (not the raw URL), method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  readonly policyDecisions = new Counter({
    name: 'berth_policy_decisions_total',
    help: 'Policy decisions on asks (create, change, delete, preview, TTL expiry), by outcome: approve, needs-approval, deny',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly policyReasons = new Counter({
    name: 'berth_policy_reasons_total',
    help: 'Reasons given by policy decisions, by reason code (e.g. budget.exceeded) and severity',
    labelNames: ['code', 'severity'] as const,
    registers: [this.registry],
  });

  readonly pendingApprovals = new Gauge({
    name: 'berth_pending_approvals',
    help: 'Namespace requests waiting for an approver (read from the database at scrape)',
    registers: [this.registry],
  });

  readonly pendingApprovalOldestAge = new Gauge({
    name: 'berth_pending_approval_oldest_age_seconds',
    help: 'Age of the oldest request waiting for an approver; 0 when none waits (read from the database at scrape)',
    registers: [this.registry],
  });

  readonly approvalToCommitted = new Histogram({
    name: 'berth_approval_to_committed_seconds',
    help: 'Time from a request being approved to its commit being pushed to the fleet repository',
    buckets: LIFECYCLE_BUCKETS,
    registers: [this.registry],
  });

  readonly committedToReady = new Histogram({
    name: 'berth_committed_to_ready_seconds',
    help: 'Time from a commit being pushed to Flux reporting the namespace Ready',
    buckets: LIFECYCLE_BUCKETS,
    registers: [this.registry],
  });

  readonly fleetBatches = new Counter({
    name: 'berth_fleet_batches_total',
    help: 'Batches of pending requests the fleet writer took from the database',
    registers: [this.registry],
  });

  readonly fleetCommits = new Counter({
    name: 'berth_fleet_commits_total',
    help: 'Commits pushed to the fleet repository (namespace batches, onboarding updates, reconciles)',
    registers: [this.registry],
  });

  readonly fleetPushDuration = new Histogram({
    name: 'berth_fleet_push_duration_seconds',
    help: 'Time to commit and push one change set to the fleet repository (git CLI, including fetch and rebase)',
    labelNames: ['result'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  readonly fleetRetries = new Counter({
    name: 'berth_fleet_retries_total',
    help: 'Failed fleet writer attempts (remote down, conflicting pushes…) that will be retried with backoff',
    registers: [this.registry],
  });

  readonly fleetLastPush = new Gauge({
    name: 'berth_fleet_last_push_timestamp_seconds',
    help: 'Unix time of the last successful push to the fleet repository by any writer; 0 before the first (read from the database at scrape)',
    registers: [this.registry],
  });

  readonly fleetPending = new Gauge({
    name: 'berth_fleet_pending_requests',
    help: 'Approved requests not yet committed to the fleet repository (read from the database at scrape)',
    registers: [this.registry],
  });

  readonly clusterStatusLag = new Gauge({
    name: 'berth_cluster_status_reconcile_lag_seconds',
    help: 'Seconds since this process last read a cluster status successfully (since start when it never did); take the min across replicas',
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });

  readonly clusterStatusErrors = new Counter({
    name: 'berth_cluster_status_errors_total',
    help: 'Failed reads of a cluster status (unreachable, unauthorized, timeout), by cluster',
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'berth_webhook_deliveries_total',
    help: 'Outbound webhook delivery attempts, by result (e.g. delivered, failed, dead-lettered)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly startedAt = Date.now();
  private readonly clusterReads = new Map<string, number>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Registers a source read at every scrape (it sets its gauges); a failing one leaves its gauges as they were. */
  onScrape(hook: ScrapeHook): void {
    this.hooks.push(hook);
  }

  /** The Prometheus text exposition, after the scrape hooks ran. */
  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.all(
      this.hooks.map((hook) => hook().catch((error: Error) => this.logger.warn(`a metrics source failed; its gauges keep their last value: ${error.message}`))),
    );
    const now = Date.now();
    for (const [cluster, at] of this.clusterReads) this.clusterStatusLag.set({ cluster }, (now - at) / 1000);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One policy decision and each of its reasons. */
  policyDecided(decision: { outcome: string; reasons: Array<{ code: string; severity: string }> }): void {
    this.policyDecisions.inc({ outcome: decision.outcome });
    for (const reason of decision.reasons) this.policyReasons.inc({ code: reason.code, severity: reason.severity });
  }

  /** A cluster status read: ok resets its lag, error counts; a cluster seen first counts its lag from this process' start. */
  clusterStatusRead(cluster: string, outcome: 'ok' | 'error' | 'skipped' | 'busy'): void {
    if (outcome === 'ok') this.clusterReads.set(cluster, Date.now());
    else if (!this.clusterReads.has(cluster) && outcome !== 'skipped') this.clusterReads.set(cluster, this.startedAt);
    if (outcome === 'error') this.clusterStatusErrors.inc({ cluster });
  }
}
