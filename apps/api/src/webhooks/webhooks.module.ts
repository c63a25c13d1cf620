import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { PlatformWebhooksController, TenantWebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({ imports: [TenantsModule], controllers: [TenantWebhooksController, PlatformWebhooksController], providers: [WebhooksService, WebhooksRepository] })
export class WebhooksApiModule {}
