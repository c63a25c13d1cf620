import { Injectable, Module } from '@nestjs/common';

/**
 * "Now", for the decisions that depend on time (TTL expiry, Idempotency-Key leases, expiry and sweep).
 * Injected rather than read from `Date`, so a test moves time forward instead of sleeping or back-dating
 * rows: it overrides this provider (e2e: `startApp({ clock })`; unit: any `{ now }`).
 */
export abstract class Clock {
  abstract now(): Date;
}

/** The process's wall clock: what every application runs on. */
@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Provides Clock (the system clock) to the modules whose services decide by the time. */
@Module({ providers: [{ provide: Clock, useClass: SystemClock }], exports: [Clock] })
export class ClockModule {}
