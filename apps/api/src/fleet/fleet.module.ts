import { Module } from '@nestjs/common';
import { FleetWriterModule } from '@berth/fleet';
import { FleetController } from './fleet.controller';

@Module({ imports: [FleetWriterModule], controllers: [FleetController] })
export class FleetModule {}
