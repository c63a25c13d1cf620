import { Module } from '@nestjs/common';
import { ClockModule } from '@berth/common';
import { PrismaModule } from '@berth/prisma';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

@Module({ imports: [PrismaModule, ClockModule], providers: [IdempotencyService, IdempotencyRepository], exports: [IdempotencyService] })
export class IdempotencyModule {}
