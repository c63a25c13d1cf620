import { Module } from '@nestjs/common';
import { BerthMetrics } from './metrics-registry';
import { MetricsServer } from './metrics-server';

/** One metrics registry per process, and the separate /metrics listener when BERTH_METRICS_PORT is set. */
@Module({ providers: [BerthMetrics, MetricsServer], exports: [BerthMetrics, MetricsServer] })
export class MetricsModule {}
