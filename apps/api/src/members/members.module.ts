import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { AuthModule } from '../auth/auth.module';
import { TenantsModule } from '../tenants/tenants.module';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';

@Module({
  imports: [PrismaModule, AuthModule, TenantsModule],
  controllers: [MembersController],
  providers: [MembersService, MembersRepository, AuditEventsRepository],
})
export class MembersModule {}
