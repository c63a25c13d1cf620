import { Module } from '@nestjs/common';
import { NamespaceRequestsModule } from '../namespace-requests/namespace-requests.module';
import { TenantsModule } from '../tenants/tenants.module';
import { PreviewsController } from './previews.controller';
import { PreviewsRepository } from './previews.repository';
import { PreviewsService } from './previews.service';

@Module({
  imports: [TenantsModule, NamespaceRequestsModule],
  controllers: [PreviewsController],
  providers: [PreviewsService, PreviewsRepository],
})
export class PreviewsModule {}
