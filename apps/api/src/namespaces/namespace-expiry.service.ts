import { desiredSpecOf } from '@berth/manifests';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '@berth/authz';
import { Clock, PeriodicTask } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { requestEvent, WebhookEvents } from '@berth/webhooks';
import { NamespaceDecisions } from '../namespace-requests/namespace-decisions';
import { TenantUnitOfWork } from '../namespace-requests/tenant-unit-of-work';
import { NamespacesRepository, TTL_ACTOR } from './namespaces.repository';

const BATCH = 100;
const SYSTEM_TTL: Principal = { kind: 'system', id: 'ttl', actor: TTL_ACTOR, accountable: TTL_ACTOR, groups: [], isAdmin: true, memberships: [] };

/**
 * Ephemeral namespaces: every BERTH_EXPIRY_INTERVAL_SECONDS, each expired one becomes a Delete request
 * decided like any other (approved at once; a protected one waits for an admin, asked once per expiry).
 * Safe on many replicas at once: each deletion re-checks its row under the tenant's lock.
 */
@Injectable()
export class NamespaceExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NamespaceExpiryService.name);
  private task?: PeriodicTask;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly clock: Clock,
    private readonly namespaces: NamespacesRepository,
    private readonly units: TenantUnitOfWork,
    private readonly decisions: NamespaceDecisions,
    private readonly webhooks: WebhookEvents,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.expiryIntervalSeconds;
    if (seconds <= 0) return;
    this.task = new PeriodicTask({ name: 'TTL expiry', every: seconds * 1000, run: () => this.tick(), logger: this.logger }).start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Deletes what has expired by now (the Clock's); returns how many namespaces it turned into Delete requests. */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    for (const { id, tenantId } of await this.namespaces.expiredIds(now, BATCH)) {
      if (await this.expire(id, tenantId, now)) expired += 1;
    }
    return expired;
  }

  /**
   * One expired namespace becomes a Delete request through the one decision seam, under the tenant's
   * lock; the row is re-read there, so replicas running the job at once delete it exactly once.
   */
  expire(namespaceId: string, tenantId: string, now: Date): Promise<boolean> {
    const system = { principal: SYSTEM_TTL, requestId: `ttl-${now.toISOString()}` };
    return this.units.runWithPrisma(tenantId, async (unit) => {
      const current = await this.namespaces.expiredNamespace(unit.tx, namespaceId, now);
      if (!current) return false;
      const reason = `TTL expired at ${current.expiresAt?.toISOString()}`;
      const ask = { kind: 'Delete' as const, name: current.name, cluster: current.cluster, spec: desiredSpecOf(current.spec), reason };
      const decided = await this.decisions.decide(unit, system, ask);
      if (decided.outcome !== 'stored') return false;
      await this.webhooks.emit(unit.tx, requestEvent('namespace.expiring', decided.request, decided.request.tenant.name));
      return true;
    });
  }

  /** One run of the periodic job (PeriodicTask logs a failure and keeps the loop going). */
  private async tick(): Promise<void> {
    const count = await this.expireDue();
    if (count > 0) this.logger.log(`Expired ${count} ephemeral namespace(s)`);
  }
}
