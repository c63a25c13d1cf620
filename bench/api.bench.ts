/**
 * API throughput of the two hottest reads, each against a bare Fastify + pg server doing the same work
 * by hand, on the same freshly seeded database, under autocannon: GET /v1/tenants (JWT → passport →
 * memberships → CASL ability → accessibleBy → list query → DTOs) and GET /v1/tenants/{t}/namespaces
 * (the same, plus the guard's tenant lookup, then the tenant and a 50-row page of its namespaces).
 *
 *   npm run bench:api                      # = node -r @swc-node/register bench/api.bench.ts
 *   npm run bench:api -- --rounds=3 --duration=5 --warmup=3 --connections=50 [--profile]
 *
 * DATABASE_URL (a server URL; default postgresql://postgres@127.0.0.1:5432/postgres) is only used to
 * create a uniquely named database, which is migrated, seeded (200 tenants, the user in 20 of them
 * through User and Group memberships) and dropped at the end, also on failure or Ctrl-C.
 * Prints per-round and median req/s and p99 for both servers and, per endpoint, the ratio Berth/bare
 * against the target (≥ 0.45×). --namespaces=N: namespaces in the listed tenant (default 60). Exits 0 on FAIL (it is a measurement); non-zero only if the bench itself breaks.
 * --profile: afterwards, CPU-profile Berth under the same load and print where its time goes.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { startBareServer } from './lib/bare-server';
import { BenchDatabase, createBenchDatabase, DEFAULT_SERVER_URL, seed, seedNamespaces } from './lib/db';
import { LoadResult, runLoad } from './lib/load';
import { fmtMs, fmtRps, median, parseArgs } from './lib/stats';
import { quietLogger } from './lib/quiet-logger';

const TARGET_RATIO = 0.45;
const args = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => (typeof args[name] === 'string' ? Number(args[name]) : fallback);
const ROUNDS = num('rounds', 3);
const DURATION = num('duration', 5);
const WARMUP = num('warmup', 3);
const CONNECTIONS = num('connections', 50);
const PROFILE = args.profile === true;
const NAMESPACES = num('namespaces', 60);

const JWT_SECRET = `bench-${randomBytes(24).toString('hex')}`;
const ISSUER = 'https://idp.bench';
const AUDIENCE = 'berth';

interface Target {
  label: string;
  url: string;
}

interface Endpoint {
  label: string;
  path: string;
  /** Whether an answer body is the expected page. */
  check(body: any): boolean;
}

async function getJson(url: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  let db: BenchDatabase | undefined;
  let berth: NestFastifyApplication | undefined;
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await berth?.close().catch((e: Error) => console.error('closing Berth:', e.message));
      await bare?.close().catch((e: Error) => console.error('closing bare server:', e.message));
      // pg's pool.end() resolves before its sockets are closed; give them a moment before DROP … (FORCE).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await db?.drop().catch((e: Error) => console.error(`dropping ${db?.name}:`, e.message));
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    db = await createBenchDatabase(serverUrl);
    const seeded = await seed(db.url);
    console.log(`database ${db.name}: ${seeded.tenants} tenants, ${seeded.memberships} memberships; ${seeded.userSub} sees ${seeded.visibleTenants.length}`);

    Object.assign(process.env, {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      BERTH_JWT_SECRET: JWT_SECRET,
      BERTH_JWT_ISSUER: ISSUER,
      BERTH_JWT_AUDIENCE: AUDIENCE,
      BERTH_BOOTSTRAP_ADMIN_KEY: `bench-admin-${randomBytes(16).toString('hex')}`,
      BERTH_LOG_REQUESTS: 'false',
      // The load comes from one caller: a per-caller rate limit would measure 429s, not Berth.
      BERTH_RATE_LIMIT_PER_MINUTE: '0',
    });
    // The static logger's levels are then set by NestFactory, but its output goes to quietLogger.
    Logger.overrideLogger(quietLogger);
    // Loaded only now: ConfigModule.forRoot validates process.env when app.module is imported.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHttpApp } = require('../apps/api/src/http-app') as typeof import('../apps/api/src/http-app');
    berth = await createHttpApp();
    await berth.listen(0, '127.0.0.1');
    const berthPort = (berth.getHttpServer().address() as AddressInfo).port;
    bare = await startBareServer({ databaseUrl: db.url, jwtSecret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE });

    const token = await new SignJWT({ groups: seeded.groups })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(seeded.userSub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(JWT_SECRET));

    const nsTenant = seeded.visibleTenants[0];
    await seedNamespaces(db.url, nsTenant, NAMESPACES);
    const endpoints: Endpoint[] = [
      {
        label: 'GET /v1/tenants',
        path: '/v1/tenants',
        // Exactly the user's visible tenants, in order, on one page.
        check: (body) =>
          JSON.stringify((body?.items ?? []).map((i: { name: string }) => i.name)) === JSON.stringify(seeded.visibleTenants) && body.nextCursor === null,
      },
      {
        label: `GET /v1/tenants/${nsTenant}/namespaces`,
        path: `/v1/tenants/${nsTenant}/namespaces`,
        // A full page of 50 of the tenant's namespaces, and a cursor to the rest.
        check: (body) =>
          body?.items?.length === 50 && body.items.every((i: { tenant: string }) => i.tenant === nsTenant) && typeof body.nextCursor === 'string',
      },
    ];
    const headers = { authorization: `Bearer ${token}` };
    const summary: string[] = [];
    const targets = (e: Endpoint): Target[] => [
      { label: 'berth', url: `http://127.0.0.1:${berthPort}${e.path}` },
      { label: 'bare', url: `${bare!.url}${e.path}` },
    ];
    for (const endpoint of endpoints) {
      // Both must answer 200 with the expected page, and the same bodies.
      const bodies: string[] = [];
      for (const t of targets(endpoint)) {
        const { status, body } = await getJson(t.url, token);
        if (status !== 200 || !endpoint.check(body)) throw new Error(`${t.label} ${endpoint.label} answered ${status} ${JSON.stringify(body).slice(0, 300)}`);
        bodies.push(JSON.stringify(body));
      }
      if (bodies[0] !== bodies[1])
        console.warn(`warning: ${endpoint.label}: Berth and bare bodies differ:\n`, bodies[0].slice(0, 600), '\n', bodies[1].slice(0, 600));
      else console.log(`sanity: ${endpoint.label}: both answer 200 with the same page (${bodies[0].length} bytes)`);
    }

    const load = (t: Target, durationSec: number) => runLoad({ url: t.url, headers, connections: CONNECTIONS, durationSec });
    const check = (t: Target, r: LoadResult) => {
      if (r.non2xx || r.errors || r.timeouts) console.warn(`  ! ${t.label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
    };
    for (const endpoint of endpoints) {
      console.log(`\n${endpoint.label}: warm-up ${WARMUP}s each`);
      for (const t of targets(endpoint)) check(t, await load(t, WARMUP));
      console.log(`${ROUNDS} rounds × 2 servers × ${DURATION}s, ${CONNECTIONS} connections`);
      console.log('round  server      req/s        p50        p99    requests');
      const results: Record<string, LoadResult[]> = { berth: [], bare: [] };
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate who goes first, so drift (DB caches, CPU boost) does not favour one side.
        const order = round % 2 ? targets(endpoint) : [...targets(endpoint)].reverse();
        for (const t of order) {
          const r = await load(t, DURATION);
          check(t, r);
          results[t.label].push(r);
          console.log(
            `${String(round).padStart(5)}  ${t.label.padEnd(6)}  ${fmtRps(r.rps)}  ${fmtMs(r.p50)}  ${fmtMs(r.p99)}  ${String(r.total).padStart(10)}`,
          );
        }
      }
      const med = (label: string, key: 'rps' | 'p99') => median(results[label].map((r) => r[key]));
      const ratio = med('berth', 'rps') / med('bare', 'rps');
      console.log('median         req/s        p99');
      for (const label of ['berth', 'bare']) console.log(`       ${label.padEnd(6)}  ${fmtRps(med(label, 'rps'))}  ${fmtMs(med(label, 'p99'))}`);
      summary.push(
        `${endpoint.label.padEnd(40)} Berth/bare ${ratio.toFixed(2)}×  (target ≥ ${TARGET_RATIO}×)  ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}` +
          `   p99 Berth ${med('berth', 'p99').toFixed(1)} ms, bare ${med('bare', 'p99').toFixed(1)} ms (${(med('berth', 'p99') / med('bare', 'p99')).toFixed(2)}×)`,
      );
    }
    console.log(`\nratio (median req/s), ${CONNECTIONS} connections:`);
    for (const line of summary) console.log(`  ${line}`);

    if (PROFILE) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { profileDuring, traceQueries } = require('./lib/profile') as typeof import('./lib/profile');
      // Let the last round's in-flight requests finish: the trace counts every statement in this process.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const endpoint of endpoints) {
        const [berthTarget, bareTarget] = targets(endpoint);
        console.log(`\n${endpoint.label}\nBerth:`);
        await traceQueries(() => getJson(berthTarget.url, token));
        console.log('bare:');
        await traceQueries(() => getJson(bareTarget.url, token));
        console.log(`\nprofiling Berth for ${DURATION}s under the same load …`);
        await profileDuring(() => load(berthTarget, DURATION));
      }

      // Layers of Berth under the same load: framework only, + authentication (JWT + membership query), + list.
      console.log('\nBerth layers (same load, one run each):');
      const base = `http://127.0.0.1:${berthPort}`;
      for (const [label, path] of [
        ['GET /healthz (Nest + Fastify, no auth, no DB)', '/healthz'],
        ['GET /v1/me (+ JWT, passport, memberships, CASL)', '/v1/me'],
        ['GET /v1/tenants (+ accessibleBy, list query, DTOs)', '/v1/tenants'],
        ['GET /v1/tenants/{t}/namespaces (+ guard tenant lookup, tenant + page query, DTOs)', endpoints[1].path],
      ]) {
        const r = await runLoad({ url: base + path, headers, connections: CONNECTIONS, durationSec: DURATION });
        console.log(`  ${fmtRps(r.rps)} req/s  p99 ${fmtMs(r.p99)}  ${label}`);
      }
      // CPU cost of one query, sequentially: Prisma (wasm query compiler + interpreter + adapter) vs pg.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { PrismaService } = require('../libs/prisma/src') as typeof import('../libs/prisma/src');
      const prisma = berth.get(PrismaService);
      const ids = (await bare.pool.query<{ id: string }>('SELECT id FROM "Tenant" ORDER BY name LIMIT 20')).rows.map((r) => r.id);
      const cost = async (label: string, fn: () => Promise<unknown>, n = 2000) => {
        for (let i = 0; i < 200; i++) await fn();
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < n; i++) await fn();
        const wall = Number(process.hrtime.bigint() - t0) / 1e6 / n;
        const cpu = process.cpuUsage(cpu0);
        console.log(`  ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms CPU, ${wall.toFixed(3)} ms wall per call  ${label}`);
      };
      console.log('\nper-query cost in this process (sequential, 2000 calls):');
      await cost('prisma.membership.findMany (User OR Group, select tenant{id,name})', () =>
        prisma.membership.findMany({
          where: {
            OR: [
              { subjectKind: 'User', subjectName: seeded.userSub },
              { subjectKind: 'Group', subjectName: { in: seeded.groups } },
            ],
          },
          select: { role: true, tenant: { select: { id: true, name: true } } },
        }),
      );
      await cost('pg: the same with a JOIN', () =>
        bare!.pool.query(
          `SELECT m.role, t.id, t.name FROM "Membership" m JOIN "Tenant" t ON t.id = m."tenantId" WHERE (m."subjectKind" = 'User' AND m."subjectName" = $1) OR (m."subjectKind" = 'Group' AND m."subjectName" = ANY($2::text[]))`,
          [seeded.userSub, seeded.groups],
        ),
      );
      await cost('prisma.tenant.findMany (id in 20, orderBy name, take 51)', () =>
        prisma.tenant.findMany({ where: { AND: [{ id: { in: ids } }, {}] }, orderBy: { name: 'asc' }, take: 51 }),
      );
      await cost('pg: the same', () => bare!.pool.query('SELECT * FROM "Tenant" WHERE id = ANY($1::uuid[]) ORDER BY name LIMIT 51', [ids]));
      await cost(
        'prisma.$queryRaw (the JOIN, tagged template)',
        () =>
          prisma.$queryRaw`SELECT m.role::text, t.id, t.name FROM "Membership" m JOIN "Tenant" t ON t.id = m."tenantId" WHERE (m."subjectKind" = 'User' AND m."subjectName" = ${seeded.userSub}) OR (m."subjectKind" = 'Group' AND m."subjectName" = ANY(${seeded.groups}::text[]))`,
      );
    }
    // Let requests still in flight when autocannon stopped finish before Prisma's pool is closed.
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
