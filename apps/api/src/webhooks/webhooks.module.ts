import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { TenantsModule } from '../tenants/tenants.module';
import { PlatformWebhooksController, TenantWebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [PrismaModule, WebhooksModule, TenantsModule],
  controllers: [TenantWebhooksController, PlatformWebhooksController],
  providers: [WebhooksService, WebhooksRepository, AuditEventsRepository],
})
export class WebhooksApiModule {}
