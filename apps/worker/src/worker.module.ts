import { Module } from '@nestjs/common';
import { BerthConfigModule } from '@berth/config';
import { FleetWriterModule } from '@berth/gitops/writer';
import { PrismaModule } from '@berth/prisma';

/** The fleet writer alone: no HTTP. Run any number of replicas; one writes at a time. */
@Module({ imports: [BerthConfigModule, PrismaModule, FleetWriterModule] })
export class WorkerModule {}
