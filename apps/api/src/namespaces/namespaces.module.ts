import { Module } from '@nestjs/common';
import { ClockModule } from '@berth/common';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { NamespaceRequestsModule } from '../namespace-requests/namespace-requests.module';
import { TenantsModule } from '../tenants/tenants.module';
import { NamespaceExpiryService } from './namespace-expiry.service';
import { NamespacesController } from './namespaces.controller';
import { NamespacesRepository } from './namespaces.repository';
import { NamespacesService } from './namespaces.service';

@Module({
  imports: [PrismaModule, ClockModule, WebhooksModule, TenantsModule, NamespaceRequestsModule, IdempotencyModule],
  controllers: [NamespacesController],
  providers: [NamespacesService, NamespacesRepository, NamespaceExpiryService],
})
export class NamespacesModule {}
