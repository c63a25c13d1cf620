import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { bearer } from './helpers/fixtures';
import { commits, FleetEnv, fleetEnv, fleetWorld, git, merges, requestNamespace, startWorker, trailerCounts, WorkerProcess } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';

/**
 * Writers as separate processes (the built apps/worker), all on one bare repository and one database;
 * the API runs in-process with BERTH_FLEET_WRITER=off, so only the children write.
 */
jest.setTimeout(180_000);

const WRITER_LOCK_KEY = 0x62657274;

type Row = { id: string; state: string; commitSha: string | null };
const requestRows = (ids: string[]) => sql<Row>('SELECT id, state, "commitSha" FROM "NamespaceRequest" WHERE id = ANY($1::uuid[])', [ids]);
const allCommitted = (ids: string[], timeoutMs: number, what = `${ids.length} requests Committed`) =>
  waitFor(
    async () => {
      const rows = await requestRows(ids);
      return rows.length === ids.length && rows.every((r) => r.state === 'Committed') ? rows : null;
    },
    { what, timeoutMs, intervalMs: 200 },
  );

/** Each request id in exactly one commit's trailers, and its commitSha is that commit. */
async function expectExactlyOnce(repo: string, rows: Row[]): Promise<void> {
  const counts = await trailerCounts(repo);
  const dupes = rows.filter((r) => counts.get(r.id) !== 1).map((r) => `${r.id}: ${counts.get(r.id) ?? 0}`);
  expect(dupes).toEqual([]);
  const log = await git(repo, ['log', '-z', '--format=%H%x1f%(trailers:key=Berth-Request,valueonly,separator=%x1e)', 'main']);
  const shaOf = new Map<string, string>();
  for (const rec of log.split('\0')) {
    const [sha, trailers] = rec.split('\x1f');
    for (const id of (trailers ?? '').split('\x1e')) if (id.trim()) shaOf.set(id.trim(), sha.trim());
  }
  expect(rows.filter((r) => r.commitSha !== shaOf.get(r.id)).map((r) => r.id)).toEqual([]);
}

async function holdWriterLock(): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [WRITER_LOCK_KEY]);
  return {
    release: async () => {
      await client.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK_KEY]).catch(() => undefined);
      await client.end();
    },
  };
}

describe('fleet writers as processes', () => {
  let env: FleetEnv;
  let app: NestFastifyApplication;
  const workers: WorkerProcess[] = [];
  const worker = (name: string, vars?: Record<string, string>) => {
    const w = startWorker(env, name, vars);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'off' });
    app = await startApp();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('three writers, 200 concurrent approvals: each request in exactly one commit, linear history, tree = desired state, few commits', async () => {
    const ws = [worker('w1'), worker('w2'), worker('w3')];
    await Promise.all(ws.map((w) => w.ready));
    const before = (await commits(env.repo)).length;
    const worlds = await Promise.all(Array.from({ length: 4 }, () => fleetWorld(app, 60)));
    const ids = await Promise.all(worlds.flatMap((world) => Array.from({ length: 50 }, (_, i) => requestNamespace(app, world, `${world.tenant.name}-ns${i}`))));
    expect(new Set(ids).size).toBe(200);
    const rows = await allCommitted(ids, 90_000);
    await expectExactlyOnce(env.repo, rows);
    expect(await merges(env.repo)).toEqual([]);
    const made = (await commits(env.repo)).length - before;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(50);
    expect(new Set(rows.map((r) => r.commitSha)).size).toBeLessThanOrEqual(made);

    // The API runs no writer (BERTH_FLEET_WRITER=off) but answers drift from its own clone.
    const drift = await http(app).get('/v1/fleet/drift').set(bearer(worlds[0].admin)).expect(200);
    const mine = (p: string) => worlds.some((w) => p.split('/').includes(w.cluster));
    expect({ changed: drift.body.changed.filter(mine), missing: drift.body.missing.filter(mine), unexpected: drift.body.unexpected.filter(mine) }).toEqual({
      changed: [],
      missing: [],
      unexpected: [],
    });
    expect(drift.body.head).toBe((await commits(env.repo))[0]);
    const files = (await git(env.repo, ['ls-tree', '-r', '--name-only', 'main'])).split('\n');
    for (const world of worlds) {
      const dirs = new Set(
        files.filter((f) => f.startsWith(`tenants/${world.cluster}/${world.tenant.name}/`) && f.endsWith('/namespace.yaml')).map((f) => f.split('/')[3]),
      );
      expect(dirs.size).toBe(50);
    }
  });

  it('a writer killed (SIGKILL) between push and database update: a fresh writer records it, exactly one commit per request', async () => {
    // The remote's post-receive hook kills the pushing writer once its push has landed, before it can record it.
    const killFile = join(env.dir, 'kill-after-push');
    const hook = join(env.repo, 'hooks', 'post-receive');
    await writeFile(hook, `#!/bin/sh\nf='${killFile}'\nif [ -f "$f" ]; then pid=$(cat "$f"); rm -f "$f"; kill -9 "$pid"; fi\nexit 0\n`);
    await chmod(hook, 0o755);
    try {
      const a = worker('crash-a');
      await a.ready;
      const world = await fleetWorld(app);
      const lock = await holdWriterLock();
      let ids: string[];
      try {
        ids = await Promise.all(Array.from({ length: 5 }, (_, i) => requestNamespace(app, world, `${world.tenant.name}-k${i}`)));
        await writeFile(killFile, String(a.pid));
      } finally {
        await lock.release();
      }
      const exit = await Promise.race([a.exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
      expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
      // The push landed, the database does not know it.
      const counts = await trailerCounts(env.repo);
      expect(ids.map((id) => counts.get(id) ?? 0)).toEqual([1, 1, 1, 1, 1]);
      expect((await requestRows(ids)).map((r) => r.state)).toEqual(['Approved', 'Approved', 'Approved', 'Approved', 'Approved']);
      const head = await commits(env.repo);

      const b = worker('crash-b');
      await b.ready;
      const rows = await allCommitted(ids, 20_000);
      expect(await commits(env.repo)).toEqual(head);
      await expectExactlyOnce(env.repo, rows);
      expect(new Set(rows.map((r) => r.commitSha))).toEqual(new Set([head[0]]));
      const ns = await sql<{ state: string; commitSha: string }>('SELECT state, "commitSha" FROM "Namespace" WHERE "requestId" = ANY($1::uuid[])', [ids]);
      expect(ns.map((n) => [n.state, n.commitSha])).toEqual(ids.map(() => ['Committed', head[0]]));
    } finally {
      await writeFile(hook, '#!/bin/sh\nexit 0\n');
    }
  });

  it('SIGTERM during a batch: the writer exits 0 within seconds, the other writer resumes at once, nothing lost or doubled', async () => {
    // Small batches so that a SIGTERM after the first one leaves work behind.
    const vars = { BERTH_FLEET_BATCH_SIZE: '10' };
    const pair = [worker('term-a', vars), worker('term-b', vars)];
    await Promise.all(pair.map((w) => w.ready));
    const world = await fleetWorld(app, 120);
    const lock = await holdWriterLock();
    let ids: string[];
    try {
      ids = await Promise.all(Array.from({ length: 100 }, (_, i) => requestNamespace(app, world, `${world.tenant.name}-s${i}`)));
    } finally {
      await lock.release();
    }
    // Whichever writer won the lock pushes its first batch of 10: that one gets SIGTERM mid-work.
    const busy = await waitFor(() => pair.find((w) => w.pushes() >= 1), { what: 'a first batch pushed', timeoutMs: 20_000, intervalMs: 10 });
    const other = pair.find((w) => w !== busy)!;
    const t0 = Date.now();
    busy.child.kill('SIGTERM');
    const exit = await Promise.race([busy.exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
    expect(exit).toEqual({ code: 0, signal: null });
    const exitMs = Date.now() - t0;
    expect(exitMs).toBeLessThan(10_000);
    const left = (await requestRows(ids)).filter((r) => r.state !== 'Committed').length;
    expect(left).toBeGreaterThan(0);
    // "At once": well before the 30 s sweep would wake the other writer up.
    const rows = await allCommitted(ids, 10_000, 'the other writer committed what was left');
    console.log(`SIGTERM: exited in ${exitMs} ms with ${left} left; all committed ${Date.now() - t0} ms after the signal`);
    expect(other.pushes()).toBeGreaterThan(0);
    expect(other.child.exitCode).toBeNull();
    await expectExactlyOnce(env.repo, rows);
    expect(await merges(env.repo)).toEqual([]);
  });
});
