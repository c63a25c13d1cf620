import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { HealthController, HealthRepository } from './health.controller';

@Module({ imports: [PrismaModule], controllers: [HealthController], providers: [HealthRepository] })
export class HealthModule {}
