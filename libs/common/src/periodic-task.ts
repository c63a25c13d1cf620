/** The part of Nest's Logger a background loop needs (so tests and pure code can pass anything). */
export interface TaskLogger {
  warn(message: string): void;
}

export interface PeriodicTaskOptions {
  /** Names the task in log lines. */
  name: string;
  /**
   * Milliseconds from the end of one run to the start of the next. A function is asked again after every
   * run, so a loop can back off (or speed up) without restarting.
   */
  every: number | (() => number);
  run: () => Promise<unknown> | unknown;
  logger: TaskLogger;
  /** First run right after start() instead of one interval later. */
  runAtStart?: boolean;
}

/**
 * A background loop that can neither leak a rejection nor overlap itself: each run starts only after the
 * previous one has settled (the next is scheduled from its end with setTimeout, never setInterval), a run that
 * throws is logged and the loop goes on, and stop() waits for the run in flight. Timers are unref'd: a loop
 * never keeps a process alive on its own. Every periodic job in Berth goes through this one class.
 *
 * Not pg-boss schedules: pg-boss 10 schedules are cron, at most one job per name per minute (its timekeeper sends
 * with singletonSeconds: 60), while the fleet writer's sweep and retry backoff are seconds apart (1 s in tests) and
 * the delay is recomputed after every run. Replicas are kept apart by the jobs themselves (advisory locks, guarded
 * updates), not by the loop.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** A trigger() arrived during a run: run once more right after it. */
  private again = false;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(): this {
    if (!this.stopped) return this;
    this.stopped = false;
    if (this.options.runAtStart) void this.trigger();
    else this.schedule();
    return this;
  }

  /** Runs now, or right after the run in flight; resolves when that run has settled. Never rejects. */
  trigger(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.trigger();
      } else this.schedule();
    });
    this.running = run;
    return run;
  }

  /** No run starts after this; resolves once the run in flight (if any) has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  private async runOnce(): Promise<void> {
    try {
      await this.options.run();
    } catch (error) {
      this.options.logger.warn(`${this.options.name} failed: ${describe(error)}`);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    let ms: number;
    try {
      ms = typeof this.options.every === 'function' ? this.options.every() : this.options.every;
    } catch (error) {
      this.options.logger.warn(`${this.options.name}: cannot compute the next delay (${describe(error)}); retrying in 1 s`);
      ms = 1000;
    }
    this.timer = setTimeout(() => void this.trigger(), Number.isFinite(ms) ? Math.max(0, ms) : 1000);
    this.timer.unref();
  }
}

/**
 * Capped exponential backoff with "equal jitter": after `failures` consecutive failures, a delay drawn
 * uniformly from [d/2, d] where d = min(cap, base · 2^(failures-1)). Half the delay keeps retries paced,
 * the random half keeps replicas that failed together from retrying together.
 */
export function backoffMs(failures: number, opts: { baseMs: number; capMs: number; random?: () => number }): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (opts.random ?? Math.random)() * (ceiling / 2));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
