import { Injectable } from '@nestjs/common';
import { KeyedGate } from '@berth/common';
import { PrismaService, PrismaTx, SqlTx, withTenantLock, withTenantLockOnPool } from '@berth/prisma';

/**
 * One transaction holding one tenant's row lock: what every namespace decision runs in. The caller holds
 * it; the domain operations it calls write through `tx` (raw SQL) and defer what must wait for the commit
 * (metrics, in-process notifications) with `afterCommit`, so a rolled-back transaction leaves no trace.
 */
export interface TenantUnit {
  readonly tx: SqlTx;
  readonly tenantId: string;
  afterCommit(effect: () => void): void;
}

/** A tenant unit inside a Prisma transaction, for callers that also use Prisma's models in it. */
export interface PrismaTenantUnit extends TenantUnit {
  readonly tx: PrismaTx;
}

/**
 * Opens tenant units: the tenant's row lock (one lock statement, one set of limits) plus the effects run
 * once the transaction committed. Every budget, preview-cap and owner decision of a tenant serializes
 * here, across all API processes.
 *
 * `run` is the hot path (creates, changes, deletes, approvals): a plain pg connection of Prisma's pool,
 * since a decision is a handful of raw statements and Prisma's interactive transaction would cost several
 * times their CPU. `runWithPrisma` is the same lock inside a Prisma transaction, for work that also needs
 * Prisma's models (previews, TTL expiry).
 */
@Injectable()
export class TenantUnitOfWork {
  /**
   * Units of one tenant serialize on its row lock anyway: in this process at most two of them hold a pooled
   * connection at once (one working, one already queued on the lock so the hand-over costs no round trip),
   * the rest wait in the tenant's own line. Without it a burst on one tenant held every connection while
   * waiting for its lock, and every other tenant's request queued behind the burst. The line waits at most
   * as long as the lock does (lock_timeout 10 s), then answers 503 busy.
   */
  private readonly lines = new KeyedGate(2, 10_000);

  constructor(private readonly prisma: PrismaService) {}

  async run<T>(tenantId: string, work: (unit: TenantUnit) => Promise<T>): Promise<T> {
    const effects = new Effects();
    const result = await this.lines.run(tenantId, () =>
      withTenantLockOnPool(this.prisma.pool, tenantId, (tx) => work({ tx, tenantId, afterCommit: effects.add })),
    );
    effects.run();
    return result;
  }

  async runWithPrisma<T>(tenantId: string, work: (unit: PrismaTenantUnit) => Promise<T>): Promise<T> {
    const effects = new Effects();
    const result = await this.lines.run(tenantId, () => withTenantLock(this.prisma, tenantId, (tx) => work({ tx, tenantId, afterCommit: effects.add })));
    effects.run();
    return result;
  }
}

/** What a unit defers until its transaction committed. */
class Effects {
  private readonly queued: Array<() => void> = [];
  readonly add = (effect: () => void): void => {
    this.queued.push(effect);
  };

  run(): void {
    for (const effect of this.queued) effect();
  }
}
