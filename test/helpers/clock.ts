import { Clock } from '@berth/common';

/**
 * The system clock, moved forward by hand: time still flows (claims and rows stay distinct and ordered), and
 * `advance` jumps it ahead, so a test makes a TTL or a lease run out without sleeping or back-dating rows.
 */
export class OffsetClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Back to the system's time (between tests, so each starts from a clock that did not jump). */
  reset(): void {
    this.offsetMs = 0;
  }
}
