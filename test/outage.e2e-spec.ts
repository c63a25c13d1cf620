import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { startApp } from './helpers/app';
import { sql } from './helpers/db';
import { bearer, tenantOnCatalogue, TenantFixture } from './helpers/fixtures';
import { ApiProcess, FleetEnv, fleetEnv, remoteOutage, startApiProcess, startWorker, trailerCounts, treeFiles, WorkerProcess } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { http } from './helpers/app';

/**
 * A fleet remote that cannot be reached never takes a process down: the built API (writer inline) and the
 * built apps/worker run as real child processes, the bare remote disappears for longer than several sweep
 * intervals and comes back; meanwhile they start, serve and report the writer degraded, and afterwards every
 * change approved during the outage is committed exactly once.
 */
jest.setTimeout(240_000);

/** Short loops so that an outage of a few seconds spans many sweeps, retries, expiry and status ticks. */
const FAST = {
  BERTH_FLEET_SWEEP_INTERVAL_SECONDS: '1',
  BERTH_FLEET_RETRY_MAX_SECONDS: '2',
  BERTH_EXPIRY_INTERVAL_SECONDS: '1',
  BERTH_STATUS_INTERVAL_SECONDS: '1',
};
/** Failed attempts the outage must outlast (each at least one sweep interval apart). */
const OUTAGE_ATTEMPTS = 5;

type Row = { id: string; state: string; commitSha: string | null };
const requestRows = (ids: string[]) => sql<Row>('SELECT id, state, "commitSha" FROM "NamespaceRequest" WHERE id = ANY($1::uuid[])', [ids]);

type Child = Pick<WorkerProcess, 'name' | 'child' | 'output'>;
const alive = (p: Child) => p.child.exitCode === null && p.child.signalCode === null;

/** waitFor, but fails at once (with the output) when one of `children` has exited. */
function waitAlive<T>(children: Child[], check: () => Promise<T> | T, timeoutMs: number, what: string) {
  const dead = () => children.filter((c) => !alive(c));
  return waitFor(check, {
    what,
    timeoutMs,
    intervalMs: 200,
    abortIf: () => dead().map((c) => `${c.name} exited (${c.child.exitCode ?? c.child.signalCode})`)[0],
    context: () =>
      dead()
        .map((c) => `${c.name}:\n${c.output().slice(-4000)}`)
        .join('\n'),
  });
}

async function fleetStatus(api: TestAgent, admin: string) {
  const res = await api.get('/v1/fleet/status').set(bearer(admin));
  if (res.status !== 200) throw new Error(`fleet status ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as {
    pendingRequests: number;
    writer?: {
      state: string;
      consecutiveFailures: number;
      lastError: { message: string; at: string } | null;
      nextAttemptAt: string | null;
      lastPushAt: string | null;
    };
  };
}

async function approve(api: TestAgent, world: { cluster: string; tier: string; tenant: TenantFixture }, name: string): Promise<string> {
  const res = await api
    .post(`/v1/tenants/${world.tenant.name}/namespace-requests`)
    .set(bearer(world.tenant.developer))
    .send({ name, cluster: world.cluster, tier: world.tier });
  if (res.status !== 201 || res.body.state !== 'Approved') throw new Error(`request ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

const committed = (children: Child[], ids: string[], timeoutMs = 60_000) =>
  waitAlive(
    children,
    async () => {
      const rows = await requestRows(ids);
      return rows.length === ids.length && rows.every((r) => r.state === 'Committed') ? rows : null;
    },
    timeoutMs,
    `${ids.length} request(s) Committed`,
  );

/** Each id in exactly one commit's `Berth-Request` trailer. */
async function expectExactlyOnce(env: FleetEnv, ids: string[]): Promise<void> {
  const counts = await trailerCounts(env.repo);
  expect(ids.map((id) => [id, counts.get(id) ?? 0])).toEqual(ids.map((id) => [id, 1]));
}

const readyz = async (base: string) => (await fetch(`${base}/readyz`)).status;
const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, 'g')) ?? []).length;
const DEGRADED = /fleet writer degraded/;
const RECOVERED = /fleet writer recovered/;

/**
 * Approves one request per failed attempt until the writer has failed `OUTAGE_ATTEMPTS` times in a row,
 * checking on the way that the processes live, `/readyz` (when an API child is given) answers 200 and the
 * fleet status says degraded. Returns the requests approved during the outage.
 */
async function approveThroughOutage(
  children: Child[],
  api: TestAgent,
  world: { admin: string; cluster: string; tier: string; tenant: TenantFixture },
  apiChild?: ApiProcess,
): Promise<string[]> {
  const ids: string[] = [];
  for (let attempt = 1; attempt <= OUTAGE_ATTEMPTS; attempt++) {
    ids.push(await approve(api, world, `${world.tenant.name}-down${attempt}`));
    const status = await waitAlive(
      children,
      async () => {
        const s = await fleetStatus(api, world.admin);
        return s.writer && s.writer.consecutiveFailures >= attempt ? s : null;
      },
      30_000,
      `${attempt} failed attempt(s) of the writer`,
    );
    expect(status.writer).toMatchObject({ state: 'degraded', lastError: { message: expect.stringMatching(/fleet remote/) } });
    expect(Date.parse(status.writer!.nextAttemptAt!)).toBeGreaterThan(Date.now() - 5_000);
    expect(status.pendingRequests).toBeGreaterThanOrEqual(ids.length);
    if (apiChild) expect(await readyz(apiChild.base)).toBe(200);
  }
  return ids;
}

describe('a fleet remote outage never takes a process down', () => {
  let env: FleetEnv;
  const children: Array<ApiProcess | WorkerProcess> = [];
  const api = async (name: string) => {
    const p = await startApiProcess(env, name, FAST);
    children.push(p);
    await p.ready;
    await waitAlive([p], async () => (await readyz(p.base)) === 200, 30_000, `${name} /readyz`);
    return p;
  };
  const worker = async (name: string) => {
    const w = startWorker(env, name, FAST);
    children.push(w);
    await w.ready;
    return w;
  };

  beforeEach(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'off' });
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
    await env.cleanup();
  });

  it('inline API: stays up, ready and serving while the remote is gone; commits each approved change once when it is back', async () => {
    const p = await api('api');
    const agent = request(p.base);
    const world = await tenantOnCatalogue(agent, { budget: { 'requests.cpu': '20', 'limits.memory': '20Gi', namespaces: 20 } });
    const before = await approve(agent, world, `${world.tenant.name}-before`);
    await committed([p], [before]);
    expect((await fleetStatus(agent, world.admin)).writer).toMatchObject({ state: 'ok', consecutiveFailures: 0, lastPushAt: expect.any(String) });

    const outage = await remoteOutage(env);
    let during: string[];
    const syncRepo = { url: 'https://git.example.com/team/deploy.git', branch: 'main', path: './deploy' };
    try {
      during = await approveThroughOutage([p], agent, world, p);
      const [row] = await requestRows([during[0]]);
      expect(row).toMatchObject({ state: 'Approved', commitSha: null });
      // A tenant's onboarding change (its own wake-up job, no request row) made during the outage lands too.
      await agent.patch(`/v1/tenants/${world.tenant.name}`).set(bearer(world.tenant.owner)).send({ syncRepo }).expect(200);
    } finally {
      await outage.restore();
    }

    await committed([p], during);
    await expectExactlyOnce(env, [before, ...during]);
    const tenantFile = `tenants/${world.cluster}/${world.tenant.name}/tenant.yaml`;
    await waitAlive([p], async () => (await treeFiles(env.repo)).get(tenantFile)?.includes(syncRepo.url), 30_000, 'onboarding re-rendered');
    const status = await waitAlive(
      [p],
      async () => ((await fleetStatus(agent, world.admin)).writer?.state === 'ok' ? fleetStatus(agent, world.admin) : null),
      20_000,
      'writer ok',
    );
    expect(status.writer).toMatchObject({ state: 'ok', consecutiveFailures: 0, nextAttemptAt: null });
    expect(status.pendingRequests).toBe(0);
    // One line when it degraded and one when it recovered, not one per retry.
    expect(count(p.output(), DEGRADED)).toBe(1);
    expect(count(p.output(), RECOVERED)).toBe(1);
    expect(await p.terminate()).toMatchObject({ code: 0 });
  });

  describe('with apps/worker writing (API in this process, BERTH_FLEET_WRITER=off)', () => {
    let app: NestFastifyApplication;
    beforeEach(async () => {
      app = await startApp();
    });
    afterEach(async () => {
      await app?.close();
    });

    it('worker: keeps running through the outage and commits each approved change once when the remote is back', async () => {
      const w = await worker('worker');
      const agent = http(app);
      const world = await tenantOnCatalogue(agent, { budget: { 'requests.cpu': '20', 'limits.memory': '20Gi', namespaces: 20 } });
      const before = await approve(agent, world, `${world.tenant.name}-before`);
      await committed([w], [before]);

      const outage = await remoteOutage(env);
      let during: string[];
      try {
        during = await approveThroughOutage([w], agent, world);
      } finally {
        await outage.restore();
      }
      await committed([w], during);
      await expectExactlyOnce(env, [before, ...during]);
      await waitAlive([w], async () => (await fleetStatus(agent, world.admin)).writer?.state === 'ok', 20_000, 'writer ok');
      expect(count(w.output(), DEGRADED)).toBe(1);
      expect(count(w.output(), RECOVERED)).toBe(1);
    });
  });

  it('start while down: an API and a worker start with the remote unreachable, serve, and commit once it is back', async () => {
    const outage = await remoteOutage(env);
    let p: ApiProcess;
    let w: WorkerProcess;
    let during: string[];
    let world: Awaited<ReturnType<typeof tenantOnCatalogue>>;
    try {
      [p, w] = await Promise.all([api('api-cold'), worker('worker-cold')]);
      const agent = request(p.base);
      world = await tenantOnCatalogue(agent, { budget: { 'requests.cpu': '20', 'limits.memory': '20Gi', namespaces: 20 } });
      during = await approveThroughOutage([p, w], agent, world, p);
    } finally {
      await outage.restore();
    }
    await committed([p, w], during);
    await expectExactlyOnce(env, during);
    const agent = request(p.base);
    await waitAlive([p, w], async () => (await fleetStatus(agent, world.admin)).writer?.state === 'ok', 20_000, 'writer ok');
    expect(await readyz(p.base)).toBe(200);
  });
});
