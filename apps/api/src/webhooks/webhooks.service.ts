import { Inject, Injectable } from '@nestjs/common';
import type { WebhookSubscription } from '@prisma/client';
import { assertCan, Caller } from '@berth/authz';
import { ConflictError, DEFAULT_PAGE_SIZE, NotFoundError, Page, PageCursor, PageQueryDto, toPage, UnprocessableError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { UnitOfWork } from '@berth/prisma';
import { ForbiddenDestinationError, generateWebhookSecret, resolveDestination, WebhookQueue } from '@berth/webhooks';
import { isUUID } from 'class-validator';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { TenantsService } from '../tenants/tenants.service';
import { CreatedWebhookResponse, CreateWebhookDto, WebhookDeliveryResponse, WebhookResponse } from './dto/webhook.dto';
import { WebhooksRepository } from './webhooks.repository';

/** How long the previous secret keeps signing after a rotation: receivers swap secrets within this window. */
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** The subscription a route acts on: a tenant's (with its name for answers) or platform-wide (tenant null). */
export interface Scope {
  tenantId: string | null;
  tenantName: string | null;
}

/** Platform-wide webhooks: only admins reach their routes (`manage all`). */
export const PLATFORM_SCOPE: Scope = { tenantId: null, tenantName: null };

/**
 * Outbound webhooks (Standard Webhooks). Owners manage their tenant's, admins the platform-wide ones
 * (which receive every tenant's events). Secrets are returned at creation and rotation only.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly tenants: TenantsService,
    private readonly webhooks: WebhooksRepository,
    private readonly queue: WebhookQueue,
    private readonly audit: AuditEventsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** The tenant's scope once the caller may do `action` on its webhooks (unknown or invisible tenant: 404). */
  async tenantScope(caller: Caller, tenantName: string, action: 'create' | 'read' | 'update' | 'delete'): Promise<Scope> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, action, 'WebhookSubscription', { tenantId: tenant.id });
    return { tenantId: tenant.id, tenantName: tenant.name };
  }

  async list(scope: Scope, query: PageQueryDto): Promise<Page<WebhookResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.webhooks.list(scope.tenantId, limit, SUBSCRIPTIONS.decode(query.cursor));
    return toPage(
      SUBSCRIPTIONS,
      rows,
      limit,
      (r) => r.id,
      (r) => WebhookResponse.from(r as WebhookSubscription, scope.tenantName),
    );
  }

  async create(caller: Caller, scope: Scope, dto: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    await this.assertDestination(dto.url);
    const secret = generateWebhookSecret();
    const data = {
      tenantId: scope.tenantId,
      url: dto.url,
      eventTypes: [...new Set(dto.eventTypes)],
      description: dto.description ?? null,
      secret,
      createdBy: caller.principal.actor,
    };
    const row = await this.uow.run(async (tx) => {
      const created = await this.webhooks.create(tx, data);
      await this.audit.record(tx, caller, {
        action: 'webhook.create',
        targetType: 'WebhookSubscription',
        targetId: created.id,
        tenantId: created.tenantId,
        after: { url: created.url, eventTypes: created.eventTypes },
      });
      return created;
    });
    return { ...WebhookResponse.from(row, scope.tenantName), secret };
  }

  async delete(caller: Caller, scope: Scope, id: string): Promise<void> {
    await this.find(scope, id);
    await this.uow.run(async (tx) => {
      const row = await this.webhooks.delete(tx, id);
      await this.audit.record(tx, caller, {
        action: 'webhook.delete',
        targetType: 'WebhookSubscription',
        targetId: id,
        tenantId: row.tenantId,
        before: { url: row.url },
      });
    });
  }

  async rotateSecret(caller: Caller, scope: Scope, id: string): Promise<CreatedWebhookResponse> {
    await this.find(scope, id);
    const secret = generateWebhookSecret();
    const previousUntil = new Date(Date.now() + ROTATION_OVERLAP_MS);
    const row = await this.uow.run(async (tx) => {
      const rotated = await this.webhooks.rotate(tx, id, secret, previousUntil);
      await this.audit.record(tx, caller, { action: 'webhook.rotate-secret', targetType: 'WebhookSubscription', targetId: id, tenantId: rotated.tenantId });
      return rotated;
    });
    return { ...WebhookResponse.from(row, scope.tenantName), secret };
  }

  async deliveries(scope: Scope, id: string, query: PageQueryDto): Promise<Page<WebhookDeliveryResponse>> {
    await this.find(scope, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.webhooks.deliveries(id, limit, DELIVERIES.decode(query.cursor));
    return toPage(DELIVERIES, rows, limit, (r) => r.seq.toString(), WebhookDeliveryResponse.from);
  }

  async redeliver(caller: Caller, scope: Scope, id: string, deliveryId: string): Promise<WebhookDeliveryResponse> {
    await this.find(scope, id);
    const delivery = await this.webhooks.findDelivery(id, deliveryId);
    if (!delivery) throw new NotFoundError('Webhook delivery', deliveryId);
    if (delivery.status === 'Pending') {
      throw new ConflictError('This delivery is still being attempted; redeliver it once it has succeeded or been dead-lettered', [
        { field: 'deliveryId', code: 'webhook.delivery-pending', message: `delivery ${deliveryId} is pending (attempt ${delivery.attempts + 1} next)` },
      ]);
    }
    const copy = await this.uow.run(async (tx) => {
      const copied = await this.webhooks.copyDelivery(tx, id, deliveryId);
      await this.queue.wakeIn(tx, [{ subscriptionId: id, orderingKey: copied.orderingKey }]);
      await this.audit.record(tx, caller, {
        action: 'webhook.redeliver',
        targetType: 'WebhookSubscription',
        targetId: id,
        tenantId: scope.tenantId,
        after: { messageId: copied.messageId },
      });
      return copied;
    });
    return WebhookDeliveryResponse.from(copy);
  }

  private async find(scope: Scope, id: string) {
    const row = await this.webhooks.find(scope.tenantId, id);
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }

  /** SSRF guard at the edge (the dispatcher checks again before every attempt). */
  private async assertDestination(url: string): Promise<void> {
    try {
      await resolveDestination({ allowedHosts: this.config.webhooks.allowedHosts }, url);
    } catch (error) {
      if (!(error instanceof ForbiddenDestinationError)) throw error;
      throw new UnprocessableError(error.message, [{ field: 'url', code: 'webhook.destination-forbidden', message: error.message }]);
    }
  }
}

const SUBSCRIPTIONS = new PageCursor('webhooks', (key) => isUUID(key));
/** A delivery's `seq` is a PostgreSQL bigint: a larger key would reach the database as an out-of-range error. */
const MAX_SEQ = 9223372036854775807n;
const DELIVERIES = new PageCursor('webhook-deliveries', (key) => /^\d{1,19}$/.test(key) && BigInt(key) <= MAX_SEQ);
