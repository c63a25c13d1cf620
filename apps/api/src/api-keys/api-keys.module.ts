import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminApiKeysController, TenantApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [PrismaModule, TenantsModule],
  controllers: [TenantApiKeysController, AdminApiKeysController],
  providers: [ApiKeysService, ApiKeysRepository, AuditEventsRepository],
})
export class ApiKeysModule {}
