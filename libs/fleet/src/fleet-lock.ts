import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { AdvisoryLocks } from '@berth/prisma';

/** Any constant works: it names "the fleet writer" among PostgreSQL advisory locks. */
export const WRITER_LOCK_KEY = 0x62657274; // 'bert'

/** One writer at a time per repository, across every replica: batches and reconciles run holding it. */
@Injectable()
export class FleetWriterLock {
  private readonly locks: AdvisoryLocks;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    this.locks = new AdvisoryLocks(config.databaseUrl, 'berth-fleet-writer');
  }

  /** Blocks while another replica writes; it releases at once when that batch ends (or its process dies). */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.locks.withLock({ id: WRITER_LOCK_KEY }, work);
  }

  /** Shutdown: release at once, so another replica takes over. */
  release(): Promise<void> {
    return this.locks.close();
  }
}
