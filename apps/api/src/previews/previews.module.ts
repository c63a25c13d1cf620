import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';
import { NamespaceRequestsModule } from '../namespace-requests/namespace-requests.module';
import { TenantsModule } from '../tenants/tenants.module';
import { PreviewsController } from './previews.controller';
import { PreviewsRepository } from './previews.repository';
import { PreviewsService } from './previews.service';

@Module({
  imports: [PrismaModule, WebhooksModule, TenantsModule, NamespaceRequestsModule],
  controllers: [PreviewsController],
  providers: [PreviewsService, PreviewsRepository, AuditEventsRepository],
})
export class PreviewsModule {}
