import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { NamespaceRequestsService } from '../namespace-requests/namespace-requests.service';
import { NamespacesRepository } from './namespaces.repository';

const BATCH = 100;

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
    private readonly namespaces: NamespacesRepository,
    private readonly requests: NamespaceRequestsService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.expiryIntervalSeconds;
    if (seconds <= 0) return;
    this.task = new PeriodicTask({ name: 'TTL expiry', every: seconds * 1000, run: () => this.tick(), logger: this.logger }).start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Deletes what has expired by `now`; returns how many namespaces it turned into Delete requests. */
  async expireDue(now = new Date()): Promise<number> {
    let expired = 0;
    for (const { id, tenantId } of await this.namespaces.expiredIds(now, BATCH)) {
      if (await this.requests.expire(id, tenantId, now)) expired += 1;
    }
    return expired;
  }

  /** One run of the periodic job (PeriodicTask logs a failure and keeps the loop going). */
  private async tick(): Promise<void> {
    const count = await this.expireDue();
    if (count > 0) this.logger.log(`Expired ${count} ephemeral namespace(s)`);
  }
}
