import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { FluxInputsController } from './flux-inputs.controller';
import { FluxInputsRepository } from './flux-inputs.repository';
import { FluxInputsService } from './flux-inputs.service';

@Module({ imports: [PrismaModule], controllers: [FluxInputsController], providers: [FluxInputsService, FluxInputsRepository] })
export class FluxInputsModule {}
