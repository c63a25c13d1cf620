import { Module } from '@nestjs/common';
import { FluxInputsController } from './flux-inputs.controller';
import { FluxInputsRepository } from './flux-inputs.repository';
import { FluxInputsService } from './flux-inputs.service';

@Module({ controllers: [FluxInputsController], providers: [FluxInputsService, FluxInputsRepository] })
export class FluxInputsModule {}
