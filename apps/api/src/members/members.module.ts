import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';

@Module({ imports: [TenantsModule], controllers: [MembersController], providers: [MembersService, MembersRepository] })
export class MembersModule {}
