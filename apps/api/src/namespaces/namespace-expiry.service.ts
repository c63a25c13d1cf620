import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { NamespaceRequestsService } from '../namespace-requests/namespace-requests.service';
import { NamespacesRepository } from './namespaces.repository';

const BATCH = 100;

/**
 * Ephemeral namespaces: every BERTH_EXPIRY_INTERVAL_SECONDS, expired ones become approved Delete
 * requests. Safe on many replicas at once: each deletion re-checks its row under the tenant's lock.
 */
@Injectable()
export class NamespaceExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NamespaceExpiryService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly namespaces: NamespacesRepository,
    private readonly requests: NamespaceRequestsService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.expiryIntervalSeconds;
    if (seconds <= 0) return;
    this.timer = setInterval(() => void this.tick(), seconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Deletes what has expired by `now`; returns how many namespaces it turned into Delete requests. */
  async expireDue(now = new Date()): Promise<number> {
    let expired = 0;
    for (const { id, tenantId } of await this.namespaces.expiredIds(now, BATCH)) {
      if (await this.requests.expire(id, tenantId, now)) expired += 1;
    }
    return expired;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.expireDue().catch((error: Error) => {
      this.logger.error(`TTL expiry failed: ${error.message}`, error.stack);
      return 0;
    });
    const count = await this.running;
    this.running = undefined;
    if (count > 0) this.logger.log(`Expired ${count} ephemeral namespace(s)`);
  }
}
