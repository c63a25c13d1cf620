import { Injectable } from '@nestjs/common';
import { PrismaService, PrismaTx, withTenantLock } from '@berth/prisma';

/**
 * One transaction holding one tenant's row lock: what every namespace decision runs in. The caller holds
 * it; the domain operations it calls write through `tx` and defer what must wait for the commit (metrics,
 * in-process notifications) with `afterCommit`, so a rolled-back transaction leaves no trace.
 */
export interface TenantUnit {
  readonly tx: PrismaTx;
  readonly tenantId: string;
  afterCommit(effect: () => void): void;
}

/**
 * Opens tenant units: `withTenantLock` (one lock statement, one set of transaction options) plus the
 * effects run once the transaction committed. Every budget, preview-cap and owner decision of a tenant
 * serializes here, across all API processes.
 */
@Injectable()
export class TenantUnitOfWork {
  constructor(private readonly prisma: PrismaService) {}

  async run<T>(tenantId: string, work: (unit: TenantUnit) => Promise<T>): Promise<T> {
    const effects: Array<() => void> = [];
    const result = await withTenantLock(this.prisma, tenantId, (tx) => work({ tx, tenantId, afterCommit: (effect) => effects.push(effect) }));
    for (const effect of effects) effect();
    return result;
  }
}
