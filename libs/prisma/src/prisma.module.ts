import { Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { UnitOfWork } from './unit-of-work';

/** The one PrismaService and UnitOfWork: imported by every module whose repositories query or whose services open transactions. */
@Module({ providers: [PrismaService, UnitOfWork], exports: [PrismaService, UnitOfWork] })
export class PrismaModule {}
