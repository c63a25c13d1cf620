import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BerthMetrics } from '@berth/common/metrics';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { webhookHeaders } from './signature';
import { postWebhook } from './transport';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookJob, WebhookQueue } from './webhook-queue.service';

/** Retries back off exponentially from BERTH_WEBHOOK_RETRY_BASE_SECONDS, never waiting more than an hour. */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * Sends webhook deliveries, one stream (subscription × namespace) at a time, oldest first. A failing
 * message blocks its stream until it succeeds or is dead-lettered (after BERTH_WEBHOOK_MAX_ATTEMPTS):
 * a receiver never sees `namespace.ready` before the `namespace.committed` it follows. Other streams
 * are unaffected. Runs where the fleet writer runs (apps/worker, or the API with BERTH_FLEET_WRITER=inline).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private stopping = false;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly queue: WebhookQueue,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly metrics: BerthMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.fleet.writer !== 'inline') return;
    await this.queue.work((job) => this.drain(job));
  }

  /** A long stream must not hold up shutdown: the message in flight finishes, the rest wait for the next worker. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  /** Sends the stream's due messages in order; stops at the first failure and wakes the stream again when it is due. */
  async drain(job: WebhookJob): Promise<void> {
    for (;;) {
      const head = await this.deliveries.head(job.subscriptionId, job.orderingKey);
      if (!head) return;
      if (this.stopping) return this.queue.wake(job);
      if (head.nextAttemptAt.getTime() > Date.now()) return this.queue.wake(job, head.nextAttemptAt);
      const { subscription: sub } = head;
      const secrets = [
        sub.secret,
        ...(sub.previousSecret && sub.previousSecretExpiresAt && sub.previousSecretExpiresAt > new Date() ? [sub.previousSecret] : []),
      ];
      const body = JSON.stringify(head.payload);
      const headers = webhookHeaders(secrets, head.messageId, Math.floor(Date.now() / 1000), body);
      const result = await postWebhook({ allowedHosts: this.config.webhooks.allowedHosts }, sub.url, headers, body);
      const attempts = head.attempts + 1;
      if (result.ok) {
        await this.deliveries.succeeded(head.id, attempts, result.statusCode, result.durationMs, new Date());
        this.metrics.webhookDeliveries.inc({ result: 'delivered' });
        continue;
      }
      const dead = attempts >= this.config.webhooks.maxAttempts;
      const delayMs = Math.min(MAX_BACKOFF_MS, this.config.webhooks.retryBaseSeconds * 1000 * 2 ** (attempts - 1));
      const nextAttemptAt = new Date(Date.now() + delayMs);
      await this.deliveries.failed(head.id, {
        attempts,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error: result.error ?? 'failed',
        dead,
        nextAttemptAt,
      });
      this.metrics.webhookDeliveries.inc({ result: dead ? 'dead-lettered' : 'failed' });
      if (dead) {
        this.logger.warn(`webhook ${head.messageId} to subscription ${job.subscriptionId} dead-lettered after ${attempts} attempts: ${result.error}`);
        continue;
      }
      return this.queue.wake(job, nextAttemptAt);
    }
  }
}
