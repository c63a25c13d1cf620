import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, PageQueryDto } from '@berth/common';
import { IdParam, TenantIdParam, TenantParam } from '../common/name.param';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  DeliveryParam,
  TenantDeliveryParam,
  WebhookDeliveryPage,
  WebhookDeliveryResponse,
  WebhookPage,
} from './dto/webhook.dto';
import { PLATFORM_SCOPE, WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiCommonErrors()
@Controller('tenants/:tenant/webhooks')
export class TenantWebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Allow('read', 'WebhookSubscription')
  @ApiOperation({ summary: "List a tenant's webhooks" })
  @ApiOkResponse({ type: WebhookPage })
  @ApiErrors(404)
  async list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.webhooks.list(await this.webhooks.tenantScope(caller, tenant, 'read'), query);
  }

  @Post()
  @Allow('create', 'WebhookSubscription')
  @ApiOperation({ summary: "Subscribe a URL to the tenant's events (the signing secret is shown once)" })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  @ApiErrors(404, 422)
  @ApiBodyErrors()
  async create(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(caller, await this.webhooks.tenantScope(caller, tenant, 'create'), dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('delete', 'WebhookSubscription')
  @ApiOperation({ summary: 'Delete a tenant webhook (and its delivery log)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  async delete(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam): Promise<void> {
    return this.webhooks.delete(caller, await this.webhooks.tenantScope(caller, tenant, 'delete'), id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Allow('update', 'WebhookSubscription')
  @ApiOperation({ summary: 'Rotate the signing secret (shown once); the previous one keeps signing for 24 h' })
  @ApiOkResponse({ type: CreatedWebhookResponse })
  @ApiErrors(404)
  async rotate(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam) {
    return this.webhooks.rotateSecret(caller, await this.webhooks.tenantScope(caller, tenant, 'update'), id);
  }

  @Get(':id/deliveries')
  @Allow('read', 'WebhookSubscription')
  @ApiOperation({ summary: "A tenant webhook's delivery log, newest first" })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  @ApiErrors(404)
  async deliveries(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam, @Query() query: PageQueryDto) {
    return this.webhooks.deliveries(await this.webhooks.tenantScope(caller, tenant, 'read'), id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Allow('update', 'WebhookSubscription')
  @ApiOperation({ summary: 'Send a delivered or dead-lettered message again (same webhook-id)' })
  @ApiAcceptedResponse({ type: WebhookDeliveryResponse })
  @ApiErrors(404, 409)
  async redeliver(@CurrentCaller() caller: Caller, @Param() { tenant, id, deliveryId }: TenantDeliveryParam) {
    return this.webhooks.redeliver(caller, await this.webhooks.tenantScope(caller, tenant, 'update'), id, deliveryId);
  }
}

/** Platform-wide webhooks: every tenant's events. Only admins reach these routes (`manage all`). */
@ApiTags('webhooks')
@ApiCommonErrors()
@Controller('webhooks')
export class PlatformWebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'List platform-wide webhooks' })
  @ApiOkResponse({ type: WebhookPage })
  list(@Query() query: PageQueryDto) {
    return this.webhooks.list(PLATFORM_SCOPE, query);
  }

  @Post()
  @Allow('manage', 'all')
  @ApiOperation({ summary: "Subscribe a URL to every tenant's events (the signing secret is shown once)" })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  @ApiErrors(422)
  @ApiBodyErrors()
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(caller, PLATFORM_SCOPE, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Delete a platform-wide webhook (and its delivery log)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  delete(@CurrentCaller() caller: Caller, @Param() { id }: IdParam): Promise<void> {
    return this.webhooks.delete(caller, PLATFORM_SCOPE, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Rotate a platform-wide webhook secret (shown once); the previous one keeps signing for 24 h' })
  @ApiOkResponse({ type: CreatedWebhookResponse })
  @ApiErrors(404)
  rotate(@CurrentCaller() caller: Caller, @Param() { id }: IdParam) {
    return this.webhooks.rotateSecret(caller, PLATFORM_SCOPE, id);
  }

  @Get(':id/deliveries')
  @Allow('manage', 'all')
  @ApiOperation({ summary: "A platform-wide webhook's delivery log, newest first" })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  @ApiErrors(404)
  deliveries(@Param() { id }: IdParam, @Query() query: PageQueryDto) {
    return this.webhooks.deliveries(PLATFORM_SCOPE, id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Send a platform-wide delivery again (same webhook-id)' })
  @ApiAcceptedResponse({ type: WebhookDeliveryResponse })
  @ApiErrors(404, 409)
  redeliver(@CurrentCaller() caller: Caller, @Param() { id, deliveryId }: DeliveryParam) {
    return this.webhooks.redeliver(caller, PLATFORM_SCOPE, id, deliveryId);
  }
}
