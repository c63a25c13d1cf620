import { GateTimeoutError, KeyedGate } from './keyed-gate';

const tick = () => new Promise((r) => setImmediate(r));

/** A piece of work that runs until `finish` is called, recording when it started. */
function job(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { work: () => (log.push(name), done), finish };
}

describe('KeyedGate', () => {
  it('lets `width` holders of a key in at once; the rest enter first come, first served as places free up', async () => {
    const gate = new KeyedGate(2, 10_000);
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((n) => job(log, n));
    const runs = jobs.map((j) => gate.run('t1', j.work));
    await tick();
    expect(log).toEqual(['a', 'b']);
    jobs[1].finish();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
    jobs[0].finish();
    await tick();
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    jobs[2].finish();
    jobs[3].finish();
    await Promise.all(runs);
  });

  it('keeps keys apart: a full line for one key never delays another key', async () => {
    const gate = new KeyedGate(1, 10_000);
    const log: string[] = [];
    const busy = [job(log, 'a1'), job(log, 'a2')];
    const runs = busy.map((j) => gate.run('a', j.work));
    await expect(gate.run('b', async () => 'b done')).resolves.toBe('b done');
    expect(log).toEqual(['a1']);
    busy.forEach((j) => j.finish());
    await Promise.all(runs);
  });

  it('frees the place when the work throws, and answers a wait that ran out of time with a lock-timeout error', async () => {
    jest.useFakeTimers();
    try {
      const gate = new KeyedGate(1, 1000);
      await expect(gate.run('t', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      const held = job([], 'held');
      const holder = gate.run('t', held.work);
      const waiter = gate.run('t', async () => 'never');
      jest.advanceTimersByTime(1001);
      await expect(waiter).rejects.toBeInstanceOf(GateTimeoutError);
      await expect(waiter).rejects.toMatchObject({ code: '55P03' });
      held.finish();
      await holder;
      await expect(gate.run('t', async () => 'free again')).resolves.toBe('free again');
    } finally {
      jest.useRealTimers();
    }
  });
});
