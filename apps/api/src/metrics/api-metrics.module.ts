import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { BerthMetrics, MetricsModule } from '@berth/common/metrics';
import { PrismaModule } from '@berth/prisma';
import { PendingApprovalsRepository } from './pending-approvals.repository';

/** Reads the approval queue at every scrape: every replica reports the database's truth, nothing polls in between. */
@Injectable()
export class PendingApprovalsMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: BerthMetrics,
    private readonly approvals: PendingApprovalsRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(async () => {
      const { count, oldest } = await this.approvals.queue();
      this.metrics.pendingApprovals.set(count);
      this.metrics.pendingApprovalOldestAge.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    });
  }
}

/** The API's metrics: the shared registry and listener (MetricsModule) plus the approval-queue gauges. */
@Module({ imports: [PrismaModule, MetricsModule], providers: [PendingApprovalsRepository, PendingApprovalsMetrics] })
export class ApiMetricsModule {}
