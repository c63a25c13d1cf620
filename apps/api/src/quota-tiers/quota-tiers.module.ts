import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { QuotaTiersController } from './quota-tiers.controller';
import { QuotaTiersRepository } from './quota-tiers.repository';
import { QuotaTiersService } from './quota-tiers.service';

@Module({ controllers: [QuotaTiersController], providers: [QuotaTiersService, QuotaTiersRepository, AuditEventsRepository], exports: [QuotaTiersService] })
export class QuotaTiersModule {}
