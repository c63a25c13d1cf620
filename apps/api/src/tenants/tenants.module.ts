import { Module } from '@nestjs/common';
import { FleetWriterModule } from '@berth/fleet';
import { PrismaModule } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { AuthModule } from '../auth/auth.module';
import { MembersRepository } from '../members/members.repository';
import { TenantsController } from './tenants.controller';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

@Module({
  imports: [PrismaModule, FleetWriterModule, AuthModule],
  controllers: [TenantsController],
  providers: [TenantsService, TenantsRepository, MembersRepository, AuditEventsRepository],
  exports: [TenantsService],
})
export class TenantsModule {}
