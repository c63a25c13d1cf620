/**
 * Create throughput and create cost vs. tenant size.
 *
 *   npm run bench:create                   # = node -r @swc-node/register bench/create.bench.ts
 *   npm run bench:create -- --rounds=3 --duration=8 --connections=20 --tenants=20 --big=5000 --serial=100 [--profile]
 *
 * (1) Auto-approved `POST /v1/tenants/{t}/namespace-requests` over HTTP (JWT, `connections` closed-loop
 *     clients spread over `tenants` tenants, every name new) against `pgbench` (TPC-B, scale 10, the same
 *     number of clients) on the same PostgreSQL server, alternating rounds. Target: Berth ≥ 0.15× pgbench's
 *     tps, no non-2xx. The fleet writer is off (BERTH_FLEET_WRITER=off): the writer's doorbell (pg_notify) still rings in
 *     each create's transaction, nothing pushes it (the writer is bench:gitops' subject).
 * (2) The cost of one create in a tenant of 5 namespaces vs. one of `big` (default 5,000), measured in the
 *     same run: serial creates alternating between the two tenants in blocks; the median wall time of a
 *     create (client → commit, so the database's work counts) is compared (means and this process's CPU
 *     per create are printed too). Target ≤ 1.3×.
 * (3) SQL statements per create (every statement sent through `pg`, BEGIN/COMMIT included).
 *
 * DATABASE_URL (a server URL; default postgresql://postgres@127.0.0.1:5432/postgres) is only used to create
 * two uniquely named databases (Berth's, pgbench's), dropped at the end, also on failure or Ctrl-C.
 * Exits 0 on FAIL (it is a measurement); non-zero only if the bench itself breaks.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../test/setup/test-database';
import { BenchDatabase, createBenchDatabase, DEFAULT_SERVER_URL } from './lib/db';
import { PostLoadResult, runPostLoad } from './lib/post-load';
import { quietLogger } from './lib/quiet-logger';
import { fmtMs, fmtRps, median, parseArgs } from './lib/stats';

const TARGET_RATIO = 0.15;
const TARGET_SCALE = 1.3;
const args = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => (typeof args[name] === 'string' ? Number(args[name]) : fallback);
const ROUNDS = num('rounds', 3);
const DURATION = num('duration', 8);
const WARMUP = num('warmup', 3);
const CONNECTIONS = num('connections', 20);
const TENANTS = num('tenants', 20);
const BIG = num('big', 5000);
const SMALL = 5;
const SERIAL = num('serial', 200);
const PROFILE = args.profile === true;

const JWT_SECRET = `bench-${randomBytes(24).toString('hex')}`;
const ADMIN_KEY = `bench-admin-${randomBytes(24).toString('hex')}`;
const ISSUER = 'https://idp.bench';
const AUDIENCE = 'berth';
const CLUSTER = 'bench-eu-1';
const TIER = 'small';

/** Runs a program, resolving with its stdout; rejects with stderr on a non-zero exit. */
function run(cmd: string, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${err.slice(-500)}`))));
  });
}

async function pgbenchTps(url: string, durationSec: number): Promise<number> {
  const out = await run('pgbench', ['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(durationSec), url]);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1];
  if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
  return Number(tps);
}

interface Ctx {
  base: string;
  tenants: string[];
  tag: string;
  cluster: string;
  tier: string;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  let db: BenchDatabase | undefined;
  let pgbenchDb: TestDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await app?.close().catch((e: Error) => console.error('closing Berth:', e.message));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await db?.drop().catch((e: Error) => console.error(`dropping ${db?.name}:`, e.message));
      await pgbenchDb?.drop().catch((e: Error) => console.error('dropping the pgbench database:', e.message));
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    db = await createBenchDatabase(serverUrl);
    pgbenchDb = await createTestDatabase(serverUrl, 'berth_pgbench');
    await run('pgbench', ['-i', '-q', '-s', '10', pgbenchDb.url]);

    Object.assign(process.env, {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      BERTH_JWT_SECRET: JWT_SECRET,
      BERTH_JWT_ISSUER: ISSUER,
      BERTH_JWT_AUDIENCE: AUDIENCE,
      BERTH_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      BERTH_LOG_REQUESTS: 'false',
      // The load comes from one caller: a per-caller rate limit would measure 429s, not Berth.
      BERTH_RATE_LIMIT_PER_MINUTE: '0',
      BERTH_FLEET_WRITER: 'off',
      BERTH_EXPIRY_INTERVAL_SECONDS: '0',
    });
    Logger.overrideLogger(quietLogger);
    // Loaded only now: ConfigModule.forRoot validates process.env when app.module is imported.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHttpApp } = require('../apps/api/src/http-app') as typeof import('../apps/api/src/http-app');
    app = await createHttpApp();
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const call = async (method: string, path: string, auth: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${base}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => null)) as any };
    };
    const must = async (p: Promise<{ status: number; body: any }>, status: number, what: string) => {
      const r = await p;
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const admin = { 'x-api-key': ADMIN_KEY };
    await must(call('POST', '/v1/clusters', admin, { name: CLUSTER }), 201, 'cluster');
    await must(
      call('POST', '/v1/quota-tiers', admin, { name: TIER, resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi', pods: '10' } }),
      201,
      'tier',
    );
    const tenant = (name: string) =>
      must(
        call('POST', '/v1/tenants', admin, {
          name,
          owners: [{ kind: 'User', name: 'bench-dev' }],
          // Room for every create of the run, with every check active (resources and the namespace count).
          budget: { 'requests.cpu': '100000', 'limits.memory': '100000Gi', pods: '10000000', namespaces: 1_000_000 },
          allowedClusters: [CLUSTER],
          allowedTiers: [TIER],
        }),
        201,
        `tenant ${name}`,
      );
    const tenants = Array.from({ length: TENANTS }, (_, i) => `bench${String(i).padStart(2, '0')}`);
    for (const t of [...tenants, 'small', 'big']) await tenant(t);
    const token = await new SignJWT({ groups: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench-dev')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const dev = { authorization: `Bearer ${token}` };
    let unique = 0;
    const create = (t: string) => call('POST', `/v1/tenants/${t}/namespace-requests`, dev, { name: `${t}-s${unique++}`, cluster: CLUSTER, tier: TIER });
    const createOk = async (t: string) => {
      const r = await create(t);
      if (r.status !== 201 || r.body?.state !== 'Approved') throw new Error(`create in ${t}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    };

    // The two sizes: one namespace made through the API is the template of the others (same spec,
    // resources and ledger rows), copied in SQL: 5,000 creates over HTTP would be most of the run.
    await createOk('small');
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const copy = async (target: string, count: number) => {
      await pg.query(
        `INSERT INTO "Namespace" (id, "tenantId", cluster, name, spec, resources, "limitRange", state, "requestId", "updatedAt")
         SELECT gen_random_uuid(), (SELECT id FROM "Tenant" WHERE name = $1), n.cluster, $1 || '-seed-' || g, n.spec, n.resources, n."limitRange",
                'Ready', n."requestId", now()
         FROM "Namespace" n, generate_series(1, $2::int) g WHERE n.name = 'small-s0'`,
        [target, count],
      );
      await pg.query(
        `INSERT INTO "Allocation" ("namespaceId", "tenantId", resource, milli)
         SELECT n.id, n."tenantId", a.resource, a.milli FROM "Namespace" n
         JOIN "Allocation" a ON a."namespaceId" = (SELECT id FROM "Namespace" WHERE name = 'small-s0')
         WHERE n.name LIKE $1 || '-seed-%'`,
        [target],
      );
    };
    await copy('small', SMALL - 1);
    await copy('big', BIG);
    await pg.query('ANALYZE');
    const sizes = await pg.query<{ name: string; n: number }>(
      `SELECT t.name, count(n.id)::int AS n FROM "Tenant" t LEFT JOIN "Namespace" n ON n."tenantId" = t.id WHERE t.name IN ('small', 'big') GROUP BY t.name`,
    );
    console.log(`database ${db.name}; tenant sizes before the serial part: ${sizes.rows.map((r) => `${r.name}=${r.n}`).join(', ')}`);

    // (3) statements per create (one create in the small tenant, ten times).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { traceQueries, profileDuring } = require('./lib/profile') as typeof import('./lib/profile');
    for (let i = 0; i < 5; i++) await createOk('small');
    console.log('\nstatements per create (tenant of ~5 namespaces):');
    await traceQueries(() => createOk('small'));
    console.log('statements per create (tenant of ~5,000 namespaces):');
    await traceQueries(() => createOk('big'));

    // (2) cost at 5 vs. BIG namespaces: serial, alternating blocks so drift hits both alike.
    const latencies: Record<'small' | 'big', number[]> = { small: [], big: [] };
    const serial = async (t: 'small' | 'big', n: number) => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const c0 = performance.now();
        await createOk(t);
        latencies[t].push(performance.now() - c0);
      }
      const cpu = process.cpuUsage(cpu0);
      return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
    };
    for (let i = 0; i < 10; i++) await Promise.all([createOk('small'), createOk('big')]); // warm-up
    const acc = { small: { wall: 0, cpu: 0, n: 0 }, big: { wall: 0, cpu: 0, n: 0 } };
    const BLOCK = 10;
    for (let done = 0; done < SERIAL; done += BLOCK) {
      const order = (done / BLOCK) % 2 ? (['big', 'small'] as const) : (['small', 'big'] as const);
      for (const t of order) {
        const r = await serial(t, BLOCK);
        acc[t].wall += r.wall;
        acc[t].cpu += r.cpu;
        acc[t].n += BLOCK;
      }
    }
    const per = (t: 'small' | 'big') => ({ wall: acc[t].wall / acc[t].n, cpu: acc[t].cpu / acc[t].n, median: median(latencies[t]) });
    const [small, big] = [per('small'), per('big')];
    // The median create: other work on a shared 2-core machine shows up as outliers in the means.
    const scale = big.median / small.median;

    // (1) throughput against pgbench, alternating rounds.
    const ctx: Ctx = { base, tenants, tag: 'w', cluster: CLUSTER, tier: TIER };
    const load = (tag: string, durationSec: number) =>
      runPostLoad<Ctx>({
        url: (w, _seq, c) => `${c.base}/v1/tenants/${c.tenants[w % c.tenants.length]}/namespace-requests`,
        body: (w, seq, c) => ({ name: `${c.tenants[w % c.tenants.length]}-${c.tag}${w}-${seq}`, cluster: c.cluster, tier: c.tier }),
        ctx: { ...ctx, tag },
        headers: dev,
        connections: CONNECTIONS,
        durationSec,
      });
    const check = (r: PostLoadResult) => {
      for (const [status, { count, sample }] of Object.entries(r.non2xx)) console.warn(`  ! berth: ${count}× ${status}: ${sample}`);
      if (r.errors) console.warn(`  ! berth: ${r.errors} connection errors`);
    };
    console.log(`\nwarm-up: ${WARMUP}s each`);
    check(await load('w', WARMUP));
    await pgbenchTps(pgbenchDb.url, WARMUP);

    console.log(`\n${ROUNDS} rounds × ${DURATION}s, ${CONNECTIONS} clients; Berth: auto-approved creates over ${TENANTS} tenants; pgbench: TPC-B scale 10`);
    console.log('round  who        per s        p50        p99     total');
    const berthRps: number[] = [];
    const berthP99: number[] = [];
    const pgbenchTpsList: number[] = [];
    let non2xx = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? ['berth', 'pgbench'] : ['pgbench', 'berth'];
      for (const who of order) {
        if (who === 'berth') {
          const r = await load(`r${round}`, DURATION);
          check(r);
          non2xx += Object.values(r.non2xx).reduce((a, b) => a + b.count, 0) + r.errors;
          berthRps.push(r.rps);
          berthP99.push(r.p99);
          console.log(`${String(round).padStart(5)}  berth    ${fmtRps(r.rps)}  ${fmtMs(r.p50)}  ${fmtMs(r.p99)}  ${String(r.total).padStart(8)}`);
        } else {
          const tps = await pgbenchTps(pgbenchDb.url, DURATION);
          pgbenchTpsList.push(tps);
          console.log(`${String(round).padStart(5)}  pgbench  ${fmtRps(tps)}`);
        }
      }
    }
    const ratio = median(berthRps) / median(pgbenchTpsList);
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    console.log(
      `\nmedian: Berth ${median(berthRps).toFixed(0)} creates/s (p99 ${median(berthP99).toFixed(1)} ms), pgbench ${median(pgbenchTpsList).toFixed(0)} tps`,
    );
    console.log(
      `ratio Berth/pgbench: ${ratio.toFixed(3)}×  (target ≥ ${TARGET_RATIO}×, no non-2xx: ${non2xx})  ${verdict(ratio >= TARGET_RATIO && non2xx === 0)}`,
    );
    const line = (n: number, r: typeof small) =>
      `${n} namespaces: median ${r.median.toFixed(2)} ms, mean ${r.wall.toFixed(2)} ms wall, ${r.cpu.toFixed(2)} ms CPU (this process)`;
    console.log(`\none create, serial, ${acc.small.n} per size, alternating blocks of ${BLOCK}:\n  ${line(SMALL, small)}\n  ${line(BIG, big)}`);
    console.log(
      `cost at ${BIG} / at ${SMALL}: ${scale.toFixed(2)}× (median wall; mean ${(big.wall / small.wall).toFixed(2)}×, CPU ${(big.cpu / small.cpu).toFixed(2)}×)  ` +
        `(target ≤ ${TARGET_SCALE}×)  ${verdict(scale <= TARGET_SCALE)}`,
    );

    if (PROFILE) {
      console.log(`\nprofiling Berth for ${DURATION}s under the same load …`);
      await profileDuring(() => load('p', DURATION));
    }
    await pg.end();
    // Let requests still in flight when the load stopped finish before Prisma's pool is closed.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
