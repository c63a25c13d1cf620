import { Module } from '@nestjs/common';
import { ClockModule } from '@berth/common';
import { MetricsModule } from '@berth/common/metrics';
import { FleetWriterModule } from '@berth/fleet';
import { PrismaModule } from '@berth/prisma';
import { WebhooksModule } from '@berth/webhooks';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { TenantsModule } from '../tenants/tenants.module';
import { NamespaceRequestsController } from './namespace-requests.controller';
import { NamespaceRequestsRepository } from './namespace-requests.repository';
import { NamespaceRequestsService } from './namespace-requests.service';
import { NamespaceDecisions } from './namespace-decisions';
import { TenantUnitOfWork } from './tenant-unit-of-work';

@Module({
  imports: [PrismaModule, ClockModule, FleetWriterModule, WebhooksModule, MetricsModule, TenantsModule, IdempotencyModule],
  controllers: [NamespaceRequestsController],
  providers: [NamespaceRequestsService, NamespaceRequestsRepository, NamespaceDecisions, TenantUnitOfWork, AuditEventsRepository],
  exports: [NamespaceRequestsService, NamespaceDecisions, TenantUnitOfWork],
})
export class NamespaceRequestsModule {}
