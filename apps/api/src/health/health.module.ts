import { Module } from '@nestjs/common';
import { HealthController, HealthRepository } from './health.controller';

@Module({ controllers: [HealthController], providers: [HealthRepository] })
export class HealthModule {}
