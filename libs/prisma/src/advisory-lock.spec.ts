import { AdvisoryLocks } from './advisory-lock';

// Real PostgreSQL (the test database server): advisory locks need no table.
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const KEY = { id: 0x7465_7374 + Math.floor(Math.random() * 1_000_000) };

describe('AdvisoryLocks', () => {
  const a = new AdvisoryLocks(url, 'berth-lock-spec-a');
  const b = new AdvisoryLocks(url, 'berth-lock-spec-b');
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('excludes another session while held, and releases when the work ends (even when it throws)', async () => {
    let release!: () => void;
    const held = a.withLock(KEY, () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    await new Promise((r) => setTimeout(r, 100));
    expect(await b.tryWithLock(KEY, 0, async () => 'never')).toEqual({ acquired: false });
    release();
    await expect(held).resolves.toBe('done');
    expect(await b.tryWithLock(KEY, 0, async () => 'mine')).toEqual({ acquired: true, value: 'mine' });
    await expect(a.withLock(KEY, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await b.tryWithLock(KEY, 0, async () => 'again')).toEqual({ acquired: true, value: 'again' });
  });

  it('waits up to its deadline for a busy lock; one class with two names is two locks', async () => {
    const cluster = { classId: 0x62737473, name: `spec-${KEY.id}` };
    let release!: () => void;
    const held = a.withLock(cluster, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((r) => setTimeout(r, 100));
    expect(await b.tryWithLock({ ...cluster, name: `${cluster.name}-other` }, 0, async () => 1)).toEqual({ acquired: true, value: 1 });
    setTimeout(() => release(), 300);
    expect(await b.tryWithLock(cluster, 5000, async () => 2)).toEqual({ acquired: true, value: 2 });
    await held;
  });

  it('close() releases every lock of its connection at once (a stopping writer hands over)', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    void a
      .withLock(KEY, async () => {
        started();
        await new Promise((r) => setTimeout(r, 60_000).unref());
      })
      .catch(() => undefined);
    await running;
    expect(await b.tryWithLock(KEY, 0, async () => 'x')).toEqual({ acquired: false });
    await a.close();
    expect(await b.tryWithLock(KEY, 2000, async () => 'taken over')).toEqual({ acquired: true, value: 'taken over' });
  });
});
