import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './helpers/wait-for';

/**
 * The default start path, as a user runs it: the built app, no DATABASE_URL, an embedded PostgreSQL in
 * BERTH_DATA_DIR, a bootstrap admin key printed once, and data that survives a restart. A first start also
 * seeds the playground (BERTH_DEMO=auto): one new user does request → approve → Committed with the two printed keys.
 */
jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const KEY = /berth_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}/g;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(dataDir: string, port: number, pgPort: number): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', BERTH_EMBEDDED_PG_PORT: String(pgPort) };
  for (const name of ['DATABASE_URL', 'BERTH_BOOTSTRAP_ADMIN_KEY', 'BERTH_TEST_SERVER_URL', 'NODE_ENV']) delete env[name];
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

const running = (r: Running) => r.child.exitCode === null && r.child.signalCode === null;

/** waitFor on a running Berth: fails at once when it exits, and prints its output when the wait fails. */
const waitOn = (r: Running, what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 90_000) =>
  waitFor(probe, { what, timeoutMs, intervalMs: 250, abortIf: () => (running(r) ? undefined : 'Berth exited'), context: r.output });

async function ready(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

async function stop(r: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!running(r)) return r.exited;
  r.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), 60_000)));
  const result = await Promise.race([r.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    r.child.kill('SIGKILL');
    throw new Error(`Berth did not exit within 60 s of SIGTERM:\n${r.output()}`);
  }
  return result;
}

describe('embedded start (no DATABASE_URL)', () => {
  let dataDir: string;
  let port: number;
  let pgPort: number;
  const children: Running[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(MAIN)) execFileSync('npx', ['nest', 'build', 'api'], { cwd: ROOT, stdio: 'inherit' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-embedded-start-'));
    fs.chmodSync(dataDir, 0o777); // embedded PostgreSQL runs as a `postgres` system user when we are root
    port = await freePort();
    pgPort = await freePort();
  });

  afterAll(async () => {
    for (const r of children) {
      if (running(r)) await stop(r).catch(() => r.child.kill('SIGKILL'));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on embedded PostgreSQL, prints an admin key once, stops on SIGTERM and keeps its data', async () => {
    const base = `http://127.0.0.1:${port}`;

    // First start: fresh data dir.
    const first = start(dataDir, port, pgPort);
    children.push(first);
    await waitOn(first, '/readyz', () => ready(base));
    // The banner is several log lines that may arrive in separate chunks: wait for both keys, not the first line.
    await waitOn(first, 'the start banner with both keys', () => new Set(first.output().match(KEY) ?? []).size >= 2, 10_000);
    const keys = [...new Set(first.output().match(KEY) ?? [])];
    expect(keys).toHaveLength(2); // the admin key, then the playground's developer key
    const [key, developerKey] = keys;
    expect(first.output()).toContain('embedded PostgreSQL');
    expect(first.output()).toContain(`${base.replace('127.0.0.1', 'localhost')}/console`);

    // The playground: the developer asks for a gated tier, the admin (another person) approves, the writer commits.
    const asDeveloper = { Authorization: `Bearer ${developerKey}`, 'content-type': 'application/json' };
    const asAdmin = { Authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const gated = await fetch(`${base}/v1/tenants/demo/namespace-requests`, {
      method: 'POST',
      headers: asDeveloper,
      body: JSON.stringify({ name: 'demo-api', cluster: 'local', tier: 'large' }),
    });
    const pending = (await gated.json()) as { id: string; state: string; decision: { reasons: Array<{ code: string }> } };
    expect([gated.status, pending.state]).toEqual([201, 'PendingApproval']);
    expect(pending.decision.reasons.map((r) => r.code)).toContain('tier.requires-approval');
    const approved = await fetch(`${base}/v1/namespace-requests/${pending.id}/approve`, {
      method: 'POST',
      headers: asAdmin,
      body: JSON.stringify({ comment: 'ok' }),
    });
    expect(approved.status).toBe(200);
    await waitOn(first, 'the approved request to be Committed', async () => {
      const got = await fetch(`${base}/v1/namespace-requests/${pending.id}`, { headers: asDeveloper });
      return ((await got.json()) as { state: string }).state === 'Committed';
    });
    const small = await fetch(`${base}/v1/tenants/demo/namespace-requests`, {
      method: 'POST',
      headers: asDeveloper,
      body: JSON.stringify({ name: 'demo-web', cluster: 'local', tier: 'small' }),
    });
    expect([small.status, ((await small.json()) as { state: string }).state]).toEqual([201, 'Approved']);

    const me = await fetch(`${base}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: 'apiKey', platformRole: 'admin' });
    const unauthenticated = await fetch(`${base}/v1/me`);
    expect(unauthenticated.status).toBe(401);

    const cluster = `persisted-${Date.now().toString(36)}`;
    const created = await fetch(`${base}/v1/clusters`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ name: cluster }),
    });
    expect(created.status).toBe(201);

    const exit = await stop(first);
    // A clean stop: exit 0, killed by the re-raised SIGTERM, or 143 (128 + SIGTERM, as exit hooks report it).
    if (!(exit.code === 0 || exit.code === 143 || exit.signal === 'SIGTERM'))
      throw new Error(`unclean exit ${JSON.stringify(exit)}:\n${first.output().slice(-3000)}`);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false); // PostgreSQL stopped too

    // Second start: same data dir.
    const second = start(dataDir, port, pgPort);
    children.push(second);
    await waitOn(second, '/readyz', () => ready(base));
    await waitOn(second, 'the start banner', () => second.output().includes('Authenticate with the admin API key printed at first start'), 10_000);
    expect(second.output().match(KEY)).toBeNull();
    expect(second.output()).not.toContain('Playground');

    const list = await fetch(`${base}/v1/clusters?limit=500`, { headers: { 'X-API-Key': key } });
    expect(list.status).toBe(200);
    const names = ((await list.json()) as { items: Array<{ name: string }> }).items.map((c) => c.name);
    expect(names).toContain(cluster);

    await stop(second);
  });
});
