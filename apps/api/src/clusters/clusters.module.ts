import { Module } from '@nestjs/common';
import { PrismaModule } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { ClustersController } from './clusters.controller';
import { ClustersRepository } from './clusters.repository';
import { ClustersService } from './clusters.service';

@Module({
  imports: [PrismaModule],
  controllers: [ClustersController],
  providers: [ClustersService, ClustersRepository, AuditEventsRepository],
  exports: [ClustersService],
})
export class ClustersModule {}
