import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { TenantsModule } from '../tenants/tenants.module';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventsService } from './audit-events.service';

@Module({ imports: [PrismaModule, TenantsModule], controllers: [AuditEventsController], providers: [AuditEventsService, AuditEventsRepository] })
export class AuditEventsModule {}
