import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

@Module({ imports: [PrismaModule], providers: [IdempotencyService, IdempotencyRepository], exports: [IdempotencyService] })
export class IdempotencyModule {}
