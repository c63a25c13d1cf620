import { Global, Module } from '@nestjs/common';
import { FleetQueue } from './fleet-queue.service';
import { FleetPrisma, FleetWriterRepository } from './fleet-writer.repository';
import { FleetWriter } from './fleet-writer.service';

/** The queue (needed wherever approvals happen) and the writer (drains it where enabled). */
@Global()
@Module({ providers: [FleetQueue, FleetWriter, FleetWriterRepository, FleetPrisma], exports: [FleetQueue, FleetWriter] })
export class FleetWriterModule {}
