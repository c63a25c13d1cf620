import { Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { UnitOfWork } from './unit-of-work';

/** The one PrismaService: imported by every module whose repositories query the database. */
@Module({ providers: [PrismaService, UnitOfWork], exports: [PrismaService, UnitOfWork] })
export class PrismaModule {}
