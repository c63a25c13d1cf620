import { backoffMs, PeriodicTask } from './periodic-task';

const until = async (check: () => boolean, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('PeriodicTask', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => (unhandled.length = 0));

  it('keeps running after runs that throw or reject, logs each failure and leaks no rejection', async () => {
    const warnings: string[] = [];
    let runs = 0;
    const task = new PeriodicTask({
      name: 'flaky job',
      every: 1,
      runAtStart: true,
      logger: { warn: (m) => warnings.push(m) },
      run: () => {
        runs += 1;
        if (runs % 2) throw new Error(`sync ${runs}`);
        return Promise.reject(new Error(`async ${runs}`));
      },
    }).start();
    await until(() => runs >= 6);
    await task.stop();
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
    expect(warnings.slice(0, 2)).toEqual(['flaky job failed: sync 1', 'flaky job failed: async 2']);
  });

  it('never overlaps: a slow run delays the next, and a trigger during a run makes exactly one more run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const task = new PeriodicTask({
      name: 'slow',
      every: 60_000,
      logger: { warn: () => undefined },
      run: async () => {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => (release = r));
        active -= 1;
      },
    }).start();
    const first = task.trigger();
    for (let i = 0; i < 5; i++) void task.trigger();
    expect(runs).toBe(1);
    release();
    await first;
    await until(() => runs === 2);
    release();
    await until(() => !task.isRunning);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    await task.stop();
  });

  it('asks `every` again after each run (a loop can back off) and stop() waits for the run in flight', async () => {
    const delays: number[] = [];
    let runs = 0;
    let finished = false;
    const task = new PeriodicTask({
      name: 'backing off',
      every: () => {
        delays.push(runs);
        return runs * 2;
      },
      runAtStart: true,
      logger: { warn: () => undefined },
      run: async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 5));
        finished = runs >= 3;
      },
    }).start();
    await until(() => runs >= 3);
    await task.stop();
    expect(finished).toBe(true);
    expect(delays.slice(0, 2)).toEqual([1, 2]);
    const after = runs;
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(after);
  });
});

describe('backoffMs', () => {
  it('doubles from the base, stays within [d/2, d], and never exceeds the cap', () => {
    const opts = { baseMs: 1000, capMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => backoffMs(n, { ...opts, random: () => 1 }))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, { ...opts, random: () => 0 }))).toEqual([500, 1000, 2000, 4000]);
    for (const n of [7, 8, 50, 10_000]) {
      const d = backoffMs(n, opts);
      expect(d).toBeGreaterThanOrEqual(30_000);
      expect(d).toBeLessThanOrEqual(60_000);
    }
    expect(backoffMs(0, { ...opts, random: () => 1 })).toBe(1000);
  });
});
