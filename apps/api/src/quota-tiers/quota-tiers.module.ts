import { Module } from '@nestjs/common';
import { QuotaTiersController } from './quota-tiers.controller';
import { QuotaTiersRepository } from './quota-tiers.repository';
import { QuotaTiersService } from './quota-tiers.service';

@Module({ controllers: [QuotaTiersController], providers: [QuotaTiersService, QuotaTiersRepository], exports: [QuotaTiersService] })
export class QuotaTiersModule {}
