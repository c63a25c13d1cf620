/**
 * GitOps approvals: 200 concurrent auto-approved namespace requests over HTTP against the real app with
 * its inline fleet writer and a bare fleet repository in a temp folder. Measures how many commits the
 * writer makes for them and the approval-to-pushed latency (HTTP 201 received → the request's trailer
 * is on the remote branch), plus approval-to-Committed (the database says so).
 *
 *   node -r @swc-node/register bench/gitops-approvals.bench.ts [--requests=200] [--tenants=4]
 *
 * DATABASE_URL (a server URL; default postgresql://postgres@127.0.0.1:5432/postgres) is only used to
 * create a uniquely named database, migrated and dropped at the end (also on failure or Ctrl-C).
 * Targets: ≤ 10 commits, p99 approval-to-pushed ≤ 3 s. Exits 0 on FAIL (it is a measurement).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { initBareFleetRepo } from '../libs/gitops/src/init';
import { sh } from '../libs/gitops/src/testing';
import { BenchDatabase, createBenchDatabase, DEFAULT_SERVER_URL } from './lib/db';
import { parseArgs } from './lib/stats';
import { quietLogger } from './lib/quiet-logger';

const TARGET_COMMITS = 10;
const TARGET_P99_MS = 3000;
const args = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => (typeof args[name] === 'string' ? Number(args[name]) : fallback);
const REQUESTS = num('requests', 200);
const TENANTS = num('tenants', 4);

const JWT_SECRET = `bench-${randomBytes(24).toString('hex')}`;
const ADMIN_KEY = `bench-admin-${randomBytes(24).toString('hex')}`;
const ISSUER = 'https://idp.bench';
const AUDIENCE = 'berth';
const TRAILER = 'Berth-Request';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  let db: BenchDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  let dir: string | undefined;
  const cleanup = async () => {
    await app?.close().catch(() => undefined);
    await db?.drop().catch((e: Error) => console.error(`could not drop ${db?.name}: ${e.message}`));
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const t0 = Date.now();
    db = await createBenchDatabase(serverUrl);
    dir = await mkdtemp(join(tmpdir(), 'berth-gitops-bench-'));
    const repo = join(dir, 'fleet.git');
    await initBareFleetRepo(repo);
    Object.assign(process.env, {
      NODE_ENV: 'production',
      // Like the bare server: no per-request log line in the measurement.
      BERTH_LOG_REQUESTS: 'false',
      DATABASE_URL: db.url,
      BERTH_JWT_SECRET: JWT_SECRET,
      BERTH_JWT_ISSUER: ISSUER,
      BERTH_JWT_AUDIENCE: AUDIENCE,
      BERTH_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      BERTH_FLEET_REPO_URL: `file://${repo}`,
      BERTH_FLEET_WORKDIR: join(dir, 'work'),
      BERTH_FLEET_WRITER: 'inline',
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
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json().catch(() => null)) as any;
      return { status: res.status, body: json };
    };
    const admin = { 'x-api-key': ADMIN_KEY };
    const must = async (p: Promise<{ status: number; body: any }>, status: number, what: string) => {
      const r = await p;
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await must(call('POST', '/v1/clusters', admin, { name: 'bench-eu-1' }), 201, 'cluster');
    await must(call('POST', '/v1/quota-tiers', admin, { name: 'small', resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi' } }), 201, 'tier');
    const perTenant = Math.ceil(REQUESTS / TENANTS) + 1;
    const tenants = Array.from({ length: TENANTS }, (_, i) => `bench${i}`);
    for (const t of tenants) {
      await must(
        call('POST', '/v1/tenants', admin, {
          name: t,
          owners: [{ kind: 'User', name: 'bench-dev' }],
          budget: { 'requests.cpu': String(perTenant), 'limits.memory': `${perTenant}Gi`, namespaces: perTenant },
          allowedClusters: ['bench-eu-1'],
          allowedTiers: ['small'],
        }),
        201,
        `tenant ${t}`,
      );
    }
    const token = await new SignJWT({ groups: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench-dev')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const dev = { authorization: `Bearer ${token}` };
    const ask = (tenant: string, name: string) => call('POST', `/v1/tenants/${tenant}/namespace-requests`, dev, { name, cluster: 'bench-eu-1', tier: 'small' });

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const committedIds = async (ids: string[]) =>
      new Set(
        (await pg.query<{ id: string }>(`SELECT id FROM "NamespaceRequest" WHERE id = ANY($1::uuid[]) AND state = 'Committed'`, [ids])).rows.map((r) => r.id),
      );

    // Warm-up: one approval end to end (first clone, JIT), not measured.
    const warm = await must(ask(tenants[0], `${tenants[0]}-warmup`), 201, 'warm-up');
    for (let i = 0; !(await committedIds([warm.id])).has(warm.id); i++) {
      if (i > 300) throw new Error('warm-up request never committed');
      await sleep(50);
    }
    const headBefore = (await sh(repo, ['rev-parse', 'main'])).trim();
    console.log(`setup ${Date.now() - t0} ms; firing ${REQUESTS} concurrent approvals over ${TENANTS} tenants`);

    // Watch the remote (the pushed time) and the database (the Committed time), during and after the burst.
    const pushedAt = new Map<string, number>();
    const seenCommits = new Map<string, { at: number; size: number }>();
    const committedAt = new Map<string, number>();
    const wanted = new Set<string>();
    let firing = true;
    const fireStart = Date.now();
    const deadline = fireStart + 90_000;
    const watcher = (async () => {
      while ((firing || pushedAt.size < wanted.size || committedAt.size < wanted.size) && Date.now() < deadline) {
        const now = Date.now();
        const log = await sh(repo, ['log', `--format=%x1e%H%n%(trailers:key=${TRAILER},valueonly)`, `${headBefore}..main`]);
        for (const rec of log.split('\x1e').filter(Boolean)) {
          const [sha, ...ids] = rec.split('\n').map((s) => s.trim());
          if (!seenCommits.has(sha)) seenCommits.set(sha, { at: now - fireStart, size: ids.filter(Boolean).length });
          for (const id of ids) if (wanted.has(id) && !pushedAt.has(id)) pushedAt.set(id, now);
        }
        const pendingDb = [...wanted].filter((id) => !committedAt.has(id));
        if (pendingDb.length) for (const id of await committedIds(pendingDb)) committedAt.set(id, Date.now());
        await sleep(50);
      }
    })();
    // Fire every approval at once; record when each 201 arrives.
    const approvedAt = new Map<string, number>();
    const results = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const tenant = tenants[i % TENANTS];
        const r = await ask(tenant, `${tenant}-ns${i}`);
        if (r.status !== 201 || r.body?.state !== 'Approved') throw new Error(`request ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        approvedAt.set(r.body.id, Date.now());
        wanted.add(r.body.id);
        return r.body.id as string;
      }),
    );
    const fireMs = Date.now() - fireStart;
    firing = false;
    await watcher;

    await pg.end();
    const commitCount = Number((await sh(repo, ['rev-list', '--count', `${headBefore}..main`])).trim());
    const merges = (await sh(repo, ['rev-list', '--merges', `${headBefore}..main`])).trim();

    const lat = (m: Map<string, number>) => results.filter((id) => m.has(id)).map((id) => Math.max(0, m.get(id)! - approvedAt.get(id)!));
    const pushed = lat(pushedAt);
    const committed = lat(committedAt);
    const fmt = (v: number[]) => (v.length ? `p50 ${percentile(v, 50)} ms, p99 ${percentile(v, 99)} ms, max ${Math.max(...v)} ms` : 'none');
    const p99 = pushed.length === REQUESTS ? percentile(pushed, 99) : Infinity;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

    console.log(`\nGitOps approvals (${REQUESTS} concurrent, inline writer, file:// bare repo)`);
    console.log(`  all 201s received in         ${fireMs} ms`);
    console.log(`  pushed        ${pushed.length}/${REQUESTS}   ${fmt(pushed)}`);
    console.log(`  Committed     ${committed.length}/${REQUESTS}   ${fmt(committed)}`);
    console.log(
      `  commit timeline (first seen after the burst started): ${[...seenCommits.values()]
        .sort((a, b) => a.at - b.at)
        .map((c) => `${c.at} ms ×${c.size}`)
        .join(', ')}`,
    );
    console.log(`  201 timeline: first ${Math.min(...approvedAt.values()) - fireStart} ms, last ${Math.max(...approvedAt.values()) - fireStart} ms`);
    console.log(`  commits       ${commitCount}${merges ? ` (merges: ${merges.split('\n').length})` : ', linear'}`);
    console.log(`\n  target commits ≤ ${TARGET_COMMITS}:           ${commitCount}  ${verdict(commitCount <= TARGET_COMMITS && pushed.length === REQUESTS)}`);
    console.log(
      `  target p99 approval→pushed ≤ ${TARGET_P99_MS} ms: ${Number.isFinite(p99) ? `${p99} ms` : 'not all pushed'}  ${verdict(p99 <= TARGET_P99_MS)}`,
    );
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
