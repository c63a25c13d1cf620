import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { QuotaTiersController } from './quota-tiers.controller';
import { QuotaTiersRepository } from './quota-tiers.repository';
import { QuotaTiersService } from './quota-tiers.service';

@Module({
  imports: [PrismaModule],
  controllers: [QuotaTiersController],
  providers: [QuotaTiersService, QuotaTiersRepository, AuditEventsRepository],
  exports: [QuotaTiersService],
})
export class QuotaTiersModule {}
