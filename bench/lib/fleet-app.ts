import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { initBareFleetRepo } from '../../libs/gitops/src/init';
import { BenchDatabase, createBenchDatabase } from './db';
import { quietLogger } from './quiet-logger';

export const CLUSTER = 'bench-eu-1';
export const TIER = 'small';

export interface HttpAnswer {
  status: number;
  body: any;
}

/**
 * The real app (Fastify, JWT auth) with its inline fleet writer pushing to a bare repository in a temp
 * folder, `tenants` tenants (bench0…) with room for `perTenant` namespaces each, a developer's JWT, and a
 * `pg` client to read request states. The GitOps benches share it; `close()` drops everything.
 */
export interface FleetApp {
  /** The bare fleet repository (a path; the writer pushes to file://repo). */
  repo: string;
  /** A temp folder owned by the bench (removed on close). */
  dir: string;
  tenants: string[];
  /** POST /v1/tenants/{tenant}/namespace-requests as the developer (auto-approved: tier small). */
  ask(tenant: string, name: string): Promise<HttpAnswer>;
  /** The same call as data (URL, body and the developer's headers), for a load generator in another process. */
  createCall(tenant: string, name: string): { url: string; body: unknown };
  devHeaders: Record<string, string>;
  /** The ids among `ids` whose request is Committed. */
  committedIds(ids: string[]): Promise<Set<string>>;
  /** Resolves once the request is Committed (polling, at most `timeoutMs`). */
  waitCommitted(id: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FleetAppOptions {
  tenants: number;
  perTenant: number;
  env?: Record<string, string>;
  /**
   * Where the fleet writer runs: in the API process (`inline`, the embedded default and the inline-writer
   * overlay) or in its own process, apps/worker (`worker`, the separate-worker overlay; the API runs with
   * BERTH_FLEET_WRITER=off).
   */
  writer?: 'inline' | 'worker';
}

export async function startFleetApp(serverUrl: string, opts: FleetAppOptions): Promise<FleetApp> {
  const jwtSecret = `bench-${randomBytes(24).toString('hex')}`;
  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const issuer = 'https://idp.bench';
  const audience = 'berth';
  let db: BenchDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  let pg: Client | undefined;
  let dir: string | undefined;
  let closing: Promise<void> | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  const close = () =>
    (closing ??= (async () => {
      await pg?.end().catch(() => undefined);
      await stopWorker?.();
      await app?.close().catch(() => undefined);
      await db?.drop().catch((e: Error) => console.error(`could not drop ${db?.name}: ${e.message}`));
      if (dir) await rm(dir, { recursive: true, force: true });
    })());
  try {
    db = await createBenchDatabase(serverUrl);
    dir = await mkdtemp(join(tmpdir(), 'berth-gitops-bench-'));
    const repo = join(dir, 'fleet.git');
    await initBareFleetRepo(repo);
    Object.assign(process.env, {
      NODE_ENV: 'production',
      // Like the bare server: no per-request log line in the measurement.
      BERTH_LOG_REQUESTS: 'false',
      // The load comes from one caller: a per-caller rate limit would measure 429s, not Berth.
      BERTH_RATE_LIMIT_PER_MINUTE: '0',
      DATABASE_URL: db.url,
      BERTH_JWT_SECRET: jwtSecret,
      BERTH_JWT_ISSUER: issuer,
      BERTH_JWT_AUDIENCE: audience,
      BERTH_BOOTSTRAP_ADMIN_KEY: adminKey,
      BERTH_FLEET_REPO_URL: `file://${repo}`,
      BERTH_FLEET_WORKDIR: join(dir, 'work'),
      BERTH_FLEET_WRITER: opts.writer === 'worker' ? 'off' : 'inline',
      BERTH_EXPIRY_INTERVAL_SECONDS: '0',
      ...opts.env,
    });
    Logger.overrideLogger(quietLogger);
    // Loaded only now: ConfigModule.forRoot validates process.env when app.module is imported.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHttpApp } = require('../../apps/api/src/http-app') as typeof import('../../apps/api/src/http-app');
    app = await createHttpApp();
    await app.listen(0, '127.0.0.1');
    if (opts.writer === 'worker') stopWorker = startWorker({ ...process.env, BERTH_FLEET_WORKDIR: join(dir, 'worker'), BERTH_LOG_LEVEL: 'warn' });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const call = async (method: string, path: string, auth: Record<string, string>, body?: unknown): Promise<HttpAnswer> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    const must = async (p: Promise<HttpAnswer>, status: number, what: string) => {
      const r = await p;
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const admin = { 'x-api-key': adminKey };
    await must(call('POST', '/v1/clusters', admin, { name: CLUSTER }), 201, 'cluster');
    await must(call('POST', '/v1/quota-tiers', admin, { name: TIER, resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi' } }), 201, 'tier');
    const tenants = Array.from({ length: opts.tenants }, (_, i) => `bench${i}`);
    const per = opts.perTenant;
    for (const t of tenants) {
      await must(
        call('POST', '/v1/tenants', admin, {
          name: t,
          owners: [{ kind: 'User', name: 'bench-dev' }],
          budget: { 'requests.cpu': String(per), 'limits.memory': `${per}Gi`, namespaces: per },
          allowedClusters: [CLUSTER],
          allowedTiers: [TIER],
        }),
        201,
        `tenant ${t}`,
      );
    }
    const token = await new SignJWT({ groups: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench-dev')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(jwtSecret));
    const dev = { authorization: `Bearer ${token}` };

    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const client = pg;
    const committedIds = async (ids: string[]) =>
      new Set(
        (await client.query<{ id: string }>(`SELECT id FROM "NamespaceRequest" WHERE id = ANY($1::uuid[]) AND state = 'Committed'`, [ids])).rows.map(
          (r) => r.id,
        ),
      );
    return {
      repo,
      dir,
      tenants,
      ask: (tenant, name) => call('POST', `/v1/tenants/${tenant}/namespace-requests`, dev, { name, cluster: CLUSTER, tier: TIER }),
      createCall: (tenant, name) => ({ url: `${base}/v1/tenants/${tenant}/namespace-requests`, body: { name, cluster: CLUSTER, tier: TIER } }),
      devHeaders: dev,
      committedIds,
      waitCommitted: async (id, timeoutMs = 15_000) => {
        const until = Date.now() + timeoutMs;
        while (!(await committedIds([id])).has(id)) {
          if (Date.now() > until) throw new Error(`request ${id} never committed`);
          await sleep(50);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** apps/worker from source in a child process (same loader as this one); the returned function stops it. */
function startWorker(env: NodeJS.ProcessEnv): () => Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.ts')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
}
