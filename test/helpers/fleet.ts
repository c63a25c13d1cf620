import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import net, { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { initBareFleetRepo } from '../../libs/gitops/src';
import { sh } from '../../libs/gitops/src/testing';
import { http } from './app';
import { bearer, tenantOnCatalogue, TenantFixture } from './fixtures';

export const TRAILER = 'Berth-Request';
const execFileAsync = promisify(execFile);

/** Plain git as a person or another tool would run it (its own author, no Berth code). */
export const git = sh;

export interface FleetEnv {
  /** Temp folder holding everything below. */
  dir: string;
  /** The bare "remote" fleet repository. */
  repo: string;
  url: string;
  /** A fresh, unique workdir path (one per writer process). */
  workdir(name?: string): string;
  /** Restores the BERTH_FLEET_* variables and removes the temp folder. */
  cleanup(): Promise<void>;
}

const FLEET_VARS = ['BERTH_FLEET_REPO_URL', 'BERTH_FLEET_WORKDIR', 'BERTH_FLEET_WRITER', 'BERTH_FLEET_MAX_ATTEMPTS', 'BERTH_FLEET_BATCH_SIZE'] as const;

/**
 * A temp bare fleet repository, and BERTH_FLEET_* set for the next `startApp()` (config is read when the
 * app module is created). `cleanup()` puts the variables back so other spec files run without a fleet repo.
 */
export async function fleetEnv(vars: Partial<Record<(typeof FLEET_VARS)[number], string>> = {}): Promise<FleetEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-fleet-e2e-'));
  const repo = join(dir, 'fleet.git');
  await initBareFleetRepo(repo);
  const saved = Object.fromEntries(FLEET_VARS.map((k) => [k, process.env[k]]));
  let seq = 0;
  const workdir = (name = 'work') => join(dir, `${name}-${++seq}`);
  const url = `file://${repo}`;
  process.env.BERTH_FLEET_REPO_URL = url;
  process.env.BERTH_FLEET_WORKDIR = workdir('api');
  for (const [k, v] of Object.entries(vars)) process.env[k] = v;
  return {
    dir,
    repo,
    url,
    workdir,
    cleanup: async () => {
      for (const k of FLEET_VARS) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      // A git child of a process just stopped may still be writing: retry (ENOTEMPTY, EBUSY) instead of failing the test.
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** A working clone of the bare repository in a new temp folder under `env.dir`. */
export async function cloneOf(env: FleetEnv): Promise<string> {
  const path = await mkdtemp(join(env.dir, 'clone-'));
  await git(env.dir, ['clone', '--quiet', env.repo, path]);
  return path;
}

/** Every `Berth-Request` trailer value on the branch, with how many commits carry it. */
export async function trailerCounts(repo: string, branch = 'main'): Promise<Map<string, number>> {
  const out = await git(repo, ['log', '-z', `--format=%(trailers:key=${TRAILER},valueonly,separator=%x1e)`, branch]);
  const counts = new Map<string, number>();
  for (const record of out.split('\0')) {
    for (const v of record.split('\x1e')) {
      const id = v.trim();
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Commit ids of the branch, newest first. */
export async function commits(repo: string, branch = 'main'): Promise<string[]> {
  return (await git(repo, ['rev-list', branch])).split('\n').filter(Boolean);
}

export async function merges(repo: string, branch = 'main'): Promise<string[]> {
  return (await git(repo, ['rev-list', '--merges', branch])).split('\n').filter(Boolean);
}

/** The files of the branch's tree: path → content. */
export async function treeFiles(repo: string, branch = 'main'): Promise<Map<string, string>> {
  const paths = (await git(repo, ['ls-tree', '-r', '-z', '--name-only', branch])).split('\0').filter(Boolean);
  const files = new Map<string, string>();
  for (const p of paths) files.set(p, await git(repo, ['show', `${branch}:${p}`]));
  return files;
}

/** Pushes one commit from a plain clone: writes (string) and deletes (null) files. Returns the commit id. */
export async function foreignCommit(env: FleetEnv, files: Record<string, string | null>, message = 'Foreign change'): Promise<string> {
  const clone = await cloneOf(env);
  for (const [path, content] of Object.entries(files)) {
    if (content === null) await git(clone, ['rm', '--quiet', path]);
    else {
      await mkdir(dirname(join(clone, path)), { recursive: true });
      await writeFile(join(clone, path), content);
      await git(clone, ['add', path]);
    }
  }
  await git(clone, ['commit', '--quiet', '-m', message]);
  await git(clone, ['push', '--quiet', 'origin', 'HEAD:main']);
  const sha = (await git(clone, ['rev-parse', 'HEAD'])).trim();
  await rm(clone, { recursive: true, force: true });
  return sha;
}

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** `kubectl kustomize <dir>` → the objects it builds as `Kind/namespace/name` (namespace '' when cluster-scoped). */
export async function kustomizeObjects(dir: string): Promise<string[]> {
  const { stdout } = await execFileAsync('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
  const objects: string[] = [];
  for (const doc of stdout.split(/^---$/m)) {
    const kind = /^kind: (\S+)/m.exec(doc)?.[1];
    if (!kind) continue;
    const meta = /^metadata:\n((?:[ ]{2}.*\n?)*)/m.exec(doc)?.[1] ?? '';
    const name = /^ {2}name: (\S+)/m.exec(meta)?.[1] ?? '';
    const namespace = /^ {2}namespace: (\S+)/m.exec(meta)?.[1] ?? '';
    objects.push(`${kind}/${namespace}/${name}`);
  }
  return objects.sort();
}

/** A cluster, an auto-approved tier and a tenant with budget for `namespaces` namespaces of it. */
export function fleetWorld(app: NestFastifyApplication, namespaces = 20) {
  return tenantOnCatalogue(http(app), { budget: { 'requests.cpu': String(namespaces), 'limits.memory': `${namespaces}Gi`, namespaces } });
}

/** Asks for namespace `name` (auto-approved); returns the request id. */
export async function requestNamespace(
  app: NestFastifyApplication,
  world: { cluster: string; tier: string; tenant: TenantFixture },
  name: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await http(app)
    .post(`/v1/tenants/${world.tenant.name}/namespace-requests`)
    .set(bearer(world.tenant.developer))
    .send({ name, cluster: world.cluster, tier: world.tier, ...extra });
  if (res.status !== 201 || res.body.state !== 'Approved') throw new Error(`request ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const WORKER_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'worker', 'apps', 'worker', 'src', 'main.js');

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Resolves once the writer has opened the repository and works the queue. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** Lines "pushed <sha> with N request(s)" seen so far. */
  pushes(): number;
  stop(): Promise<void>;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface Child {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<Exit>;
  output(): string;
  alive(): boolean;
}

/** Spawns a built Berth process whose `ready` resolves when its output shows `readyLine`, and fails if it exits first. */
function spawnBerth(main: string, label: string, env: NodeJS.ProcessEnv, readyLine: string, timeoutMs: number): Child {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let onReady: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes(readyLine)) onReady();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      onFail(new Error(`${label} exited (${code ?? signal}) before it was ready:\n${out}`));
      resolve({ code, signal });
    }),
  );
  const timer = setTimeout(() => onFail(new Error(`${label} not ready after ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
  ready.finally(() => clearTimeout(timer)).catch(() => undefined);
  return { child, ready, exited, output: () => out, alive: () => child.exitCode === null && child.signalCode === null };
}

/** Starts the built apps/worker (`npx nest build worker`) as a real child process on `env`'s repository. */
export function startWorker(env: FleetEnv, name: string, vars: Record<string, string> = {}): WorkerProcess {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run \`npx nest build api && npx nest build worker\` (npm test does it in pretest)`);
  const processEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL,
    BERTH_FLEET_REPO_URL: env.url,
    BERTH_FLEET_WORKDIR: env.workdir(name),
    BERTH_FLEET_WRITER: 'inline',
    ...vars,
  };
  const { child, ready, exited, output, alive } = spawnBerth(WORKER_MAIN, `worker ${name}`, processEnv, 'fleet writer running for', 30_000);
  return {
    name,
    child,
    pid: child.pid!,
    ready,
    exited,
    output,
    pushes: () => (output().match(/pushed [0-9a-f]{12} with/g) ?? []).length,
    stop: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Takes the bare remote away (as an outage would: every fetch and push fails); `restore()` brings it back. */
export async function remoteOutage(env: FleetEnv): Promise<{ restore(): Promise<void> }> {
  const away = `${env.repo}.away`;
  await rename(env.repo, away);
  let restored = false;
  return {
    restore: async () => {
      if (restored) return;
      restored = true;
      await rename(away, env.repo);
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const API_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'apps', 'api', 'src', 'main.js');

export interface ApiProcess extends Omit<WorkerProcess, 'pushes'> {
  /** http://127.0.0.1:<port> */
  base: string;
  /** Sends SIGTERM and resolves with how the process ended (SIGKILL after 30 s). */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built API (`npm run build`) as a real child process on the test database and `env`'s repository;
 * `ready` resolves once it listens (`/readyz` is the caller's to check).
 */
export async function startApiProcess(env: FleetEnv, name: string, vars: Record<string, string> = {}): Promise<ApiProcess> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run \`npm run build\``);
  const port = await freePort();
  const processEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL,
    PORT: String(port),
    HOST: '127.0.0.1',
    // Log lines (the start banner, the writer's state changes) as in production; no line per request.
    NODE_ENV: 'development',
    BERTH_LOG_REQUESTS: 'false',
    BERTH_FLEET_REPO_URL: env.url,
    BERTH_FLEET_WORKDIR: env.workdir(name),
    BERTH_FLEET_WRITER: 'inline',
    ...vars,
  };
  const { child, ready, exited, output, alive } = spawnBerth(API_MAIN, `API ${name}`, processEnv, 'Berth is listening', 60_000);
  return {
    name,
    child,
    pid: child.pid!,
    base: `http://127.0.0.1:${port}`,
    ready,
    exited,
    output,
    stop: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    terminate: async () => {
      if (alive()) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(kill);
      return result;
    },
  };
}
