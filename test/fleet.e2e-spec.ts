import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Prisma, type FleetStatus } from '@prisma/client';
import { Client } from 'pg';
import type { BerthConfig } from '../libs/config/src';
import { FleetWriter } from '../libs/fleet/src';
import { FleetPrisma } from '../libs/fleet/src/fleet-prisma.service';
import { FLEET_STATUS_ID, FleetWriterRepository } from '../libs/fleet/src/fleet-writer.repository';
import type { SqlTx } from '../libs/prisma/src';
import { WebhookEvents, type WebhookJob, WebhookQueue } from '../libs/webhooks/src';
import { roleBindingName } from '../libs/manifests/src';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { bearer } from './helpers/fixtures';
import {
  cloneOf,
  commits,
  FleetEnv,
  fleetEnv,
  fleetWorld,
  foreignCommit,
  git,
  kubectlAvailable,
  kustomizeObjects,
  merges,
  requestNamespace,
  TRAILER,
  trailerCounts,
  treeFiles,
} from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { tokenFor } from './helpers/tokens';

/** Same constant as the writer's: holding it from a test connection pauses every writer (as another replica would). */
const WRITER_LOCK_KEY = 0x62657274;

type Row = { id: string; state: string; commitSha: string | null; lastError: string | null };
const requestRows = (ids: string[]) => sql<Row>('SELECT id, state, "commitSha", "lastError" FROM "NamespaceRequest" WHERE id = ANY($1::uuid[])', [ids]);

async function committed(ids: string[], timeoutMs = 20_000): Promise<Row[]> {
  return waitFor(
    async () => {
      const rows = await requestRows(ids);
      return rows.length === ids.length && rows.every((r) => r.state === 'Committed') ? rows : null;
    },
    { what: `${ids.length} request(s) Committed`, timeoutMs },
  );
}

/** Paths of a drift report that concern one cluster (other spec files' clusters may live in other repos). */
function driftOf(body: { changed: string[]; missing: string[]; unexpected: string[] }, cluster: string) {
  const mine = (p: string) => p.split('/').includes(cluster);
  return { changed: body.changed.filter(mine), missing: body.missing.filter(mine), unexpected: body.unexpected.filter(mine) };
}

jest.setTimeout(90_000);

describe('fleet writer (GitOps over a real bare repository)', () => {
  let env: FleetEnv;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('an approval rings the writer at once (pg_notify in its transaction): Committed within 5 s, far inside the 30 s sweep', async () => {
    const world = await fleetWorld(app);
    const started = Date.now();
    await committed([await requestNamespace(app, world, `${world.tenant.name}-bell`)], 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('listens again after its listening connection is killed, and catches up on what was approved meanwhile', async () => {
    const world = await fleetWorld(app);
    const killed = await sql<{ killed: boolean }>(
      "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = 'berth-fleet-wakeups' AND pid <> pg_backend_pid()",
    );
    expect(killed.length).toBeGreaterThan(0);
    // Approved while nobody listens (the notification is lost): the reconnect's catch-up drain commits it.
    const id = await requestNamespace(app, world, `${world.tenant.name}-gap`);
    await committed([id], 8_000);
    // And the bell rings again afterwards.
    await committed([await requestNamespace(app, world, `${world.tenant.name}-after`)], 5_000);
  });

  it('outlives a listener outage longer than its 1 s retry: every reconnect killed for 3 s, then one listener and the bell again', async () => {
    const world = await fleetWorld(app);
    const killListeners = () =>
      sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'berth-fleet-wakeups' AND pid <> pg_backend_pid()");
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      await killListeners();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const id = await requestNamespace(app, world, `${world.tenant.name}-outage`);
    await committed([id], 8_000);
    const listeners = await sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'berth-fleet-wakeups'");
    expect(listeners[0].n).toBe(1);
    await committed([await requestNamespace(app, world, `${world.tenant.name}-healed`)], 5_000);
  });

  it("re-renders a tenant's onboarding when its owner registers an app repository (GitRepository + Kustomization as the tenant)", async () => {
    const world = await fleetWorld(app);
    const name = `${world.tenant.name}-app`;
    await committed([await requestNamespace(app, world, name)]);
    const tenantFile = `tenants/${world.cluster}/${world.tenant.name}/tenant.yaml`;
    expect((await treeFiles(env.repo, 'main')).get(tenantFile)).not.toContain('GitRepository');

    const syncRepo = { url: 'https://git.example.com/team/deploy.git', branch: 'main', path: './deploy/prod' };
    await http(app).patch(`/v1/tenants/${world.tenant.name}`).set(bearer(world.tenant.owner)).send({ syncRepo }).expect(200);
    const file = await waitFor(
      async () => {
        const content = (await treeFiles(env.repo, 'main')).get(tenantFile);
        return content?.includes('kind: GitRepository') ? content : null;
      },
      { what: 'tenant.yaml with the app repository', timeoutMs: 20_000 },
    );
    expect(file).toContain(`url: ${syncRepo.url}`);
    expect(file).toContain('path: ./deploy/prod');
    expect(file).toContain(`serviceAccountName: flux-${world.tenant.name}`);
    if (kubectlAvailable()) {
      const objects = await kustomizeObjects(join(await cloneOf(env), 'tenants', world.cluster));
      expect(objects).toEqual(expect.arrayContaining([expect.stringContaining('GitRepository'), expect.stringContaining('Kustomization')]));
    }
    // A viewer cannot point the tenant's Flux at another repository.
    await http(app).patch(`/v1/tenants/${world.tenant.name}`).set(bearer(world.tenant.viewer)).send({ syncRepo: null }).expect(403);
  });

  it("an app repository at the repository root (path '') is accepted and rendered as ./ — its namespaces still commit", async () => {
    // Bug: the API accepted path '' and the renderer refused it, so every request of the tenant stayed Approved.
    const world = await fleetWorld(app);
    const syncRepo = {
      url: 'ssh://git@git.example.com/team/deploy.git',
      branch: 'main',
      path: '',
      secretRef: 'team-deploy-key',
      paths: { [world.cluster]: 'envs/prod' },
    };
    const patched = await http(app).patch(`/v1/tenants/${world.tenant.name}`).set(bearer(world.tenant.owner)).send({ syncRepo }).expect(200);
    expect(patched.body.syncRepo).toEqual(syncRepo);
    await committed([await requestNamespace(app, world, `${world.tenant.name}-root`)]);
    const file = (await treeFiles(env.repo, 'main')).get(`tenants/${world.cluster}/${world.tenant.name}/tenant.yaml`)!;
    expect(file).toContain('path: ./envs/prod'); // the per-cluster path wins over the default
    expect(file).toContain('secretRef:\n    name: team-deploy-key');

    await http(app)
      .patch(`/v1/tenants/${world.tenant.name}`)
      .set(bearer(world.tenant.owner))
      .send({ syncRepo: { ...syncRepo, paths: {} } })
      .expect(200);
    await committed([await requestNamespace(app, world, `${world.tenant.name}-root2`)]);
    expect((await treeFiles(env.repo, 'main')).get(`tenants/${world.cluster}/${world.tenant.name}/tenant.yaml`)).toContain('path: ./\n');
    // A Secret name, never a secret: anything that is not a DNS subdomain is refused at the edge.
    await http(app)
      .patch(`/v1/tenants/${world.tenant.name}`)
      .set(bearer(world.tenant.owner))
      .send({ syncRepo: { ...syncRepo, secretRef: 'ghp_abc/DEF==' } })
      .expect(400);
  });

  it('commits an approval: request and namespace Committed with the SHA, readable message, one trailer, kustomize builds', async () => {
    const world = await fleetWorld(app);
    const name = `${world.tenant.name}-web`;
    const id = await requestNamespace(app, world, name, { access: [{ subject: { kind: 'Group', name: 'team-web' }, role: 'edit' }] });
    const [row] = await committed([id]);
    expect(row.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const ns = await http(app).get(`/v1/tenants/${world.tenant.name}/namespaces/${name}`).set(bearer(world.tenant.viewer)).expect(200);
    expect(ns.body).toMatchObject({ state: 'Committed', commitSha: row.commitSha, requestId: id });

    const clone = await cloneOf(env);
    expect((await git(clone, ['rev-parse', 'HEAD'])).trim()).toBe(row.commitSha);
    const dir = `tenants/${world.cluster}/${world.tenant.name}/${name}`;
    const files = await treeFiles(clone, 'HEAD');
    for (const f of ['namespace.yaml', 'resourcequota.yaml', 'rbac.yaml', 'networkpolicy.yaml', 'kustomization.yaml'])
      expect(files.has(`${dir}/${f}`)).toBe(true);
    expect(files.get(`tenants/${world.cluster}/kustomization.yaml`)).toContain(`- ${world.tenant.name}`);
    expect(files.get(`tenants/${world.cluster}/${world.tenant.name}/kustomization.yaml`)).toContain(`- ${name}`);
    expect(files.get(`clusters/${world.cluster}/berth-tenants.yaml`)).toContain(`path: ./tenants/${world.cluster}`);
    expect(files.get('README.md')).toContain('Fleet repository');

    const message = await git(clone, ['log', '-1', '--format=%B', row.commitSha!]);
    expect(message.split('\n')[0]).toBe(`Create namespace ${name} on ${world.cluster}`);
    const trailers = (await git(clone, ['log', '-1', `--format=%(trailers:key=${TRAILER},valueonly)`, row.commitSha!])).trim().split('\n');
    expect(trailers).toEqual([id]);
    expect((await trailerCounts(clone, 'HEAD')).get(id)).toBe(1);

    if (!kubectlAvailable()) {
      console.warn('kubectl is not on PATH: skipping the `kubectl kustomize` build check');
      return;
    }
    // The cluster is this test's own, so the build holds exactly this tenant's objects.
    const t = world.tenant.name;
    expect(await kustomizeObjects(join(clone, 'tenants', world.cluster))).toEqual(
      [
        `Namespace//berth-tenant-${t}`,
        `ServiceAccount/berth-tenant-${t}/flux-${t}`,
        `RoleBinding/${name}/berth-flux-reconciler`,
        `Namespace//${name}`,
        `ResourceQuota/${name}/berth-quota`,
        `LimitRange/${name}/berth-limits`, // the tier quotas compute keys: derived defaults let plain pods in
        `RoleBinding/${name}/${roleBindingName({ subject: { kind: 'Group', name: 'team-web' }, role: 'edit' })}`,
        `NetworkPolicy/${name}/berth-default-deny-ingress`,
        `NetworkPolicy/${name}/berth-allow-same-namespace`,
        `NetworkPolicy/${name}/berth-allow-ingress-controller`,
      ].sort(),
    );
    await rm(clone, { recursive: true, force: true });
  });

  it('a delete removes the namespace folder and its kustomization line, never a foreign file', async () => {
    const world = await fleetWorld(app);
    const keep = `${world.tenant.name}-keep`;
    const gone = `${world.tenant.name}-gone`;
    const ids = [await requestNamespace(app, world, keep), await requestNamespace(app, world, gone)];
    await committed(ids);
    const foreign = {
      [`clusters/${world.cluster}/flux-system/gotk-sync.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gotk\n',
      'apps/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      'README.md': '# Our fleet\n\nHand-written.\n',
    };
    await foreignCommit(env, foreign, 'Platform team: bootstrap flux and apps');

    const del = await http(app).delete(`/v1/tenants/${world.tenant.name}/namespaces/${gone}`).query({ cluster: world.cluster }).set(bearer(world.tenant.owner));
    expect([201, 202]).toContain(del.status);
    expect(del.body.state).toBe('Approved');
    await committed([del.body.id]);
    await waitFor(async () => (await http(app).get(`/v1/tenants/${world.tenant.name}/namespaces/${gone}`).set(bearer(world.tenant.viewer))).status === 404, {
      what: 'namespace row removed',
      timeoutMs: 10_000,
    });

    const files = await treeFiles(env.repo);
    const tenantDir = `tenants/${world.cluster}/${world.tenant.name}`;
    expect([...files.keys()].filter((p) => p.startsWith(`${tenantDir}/${gone}/`))).toEqual([]);
    expect(files.has(`${tenantDir}/${keep}/namespace.yaml`)).toBe(true);
    const kustomization = files.get(`${tenantDir}/kustomization.yaml`)!;
    expect(kustomization).toContain(`- ${keep}`);
    expect(kustomization).not.toContain(gone);
    for (const [path, content] of Object.entries(foreign)) expect(files.get(path)).toBe(content);

    // Deleting the last namespace removes the tenant's folder and its line in the cluster index; foreign files stay.
    const last = await http(app)
      .delete(`/v1/tenants/${world.tenant.name}/namespaces/${keep}`)
      .query({ cluster: world.cluster })
      .set(bearer(world.tenant.owner));
    await committed([last.body.id]);
    const after = await treeFiles(env.repo);
    expect([...after.keys()].filter((p) => p.startsWith(`${tenantDir}/`))).toEqual([]);
    expect(after.get(`tenants/${world.cluster}/kustomization.yaml`) ?? '').not.toContain(world.tenant.name);
    for (const [path, content] of Object.entries(foreign)) expect(after.get(path)).toBe(content);
  });

  it('lands on top of a foreign commit pushed between approvals, keeping it, with linear history', async () => {
    const world = await fleetWorld(app);
    const first = await requestNamespace(app, world, `${world.tenant.name}-one`);
    await committed([first]);
    const foreignSha = await foreignCommit(env, { 'apps/between.yaml': 'kind: ConfigMap\n' }, 'Foreign change between approvals');
    const second = await requestNamespace(app, world, `${world.tenant.name}-two`);
    const [row] = await committed([second]);
    const parents = (await git(env.repo, ['rev-list', '--parents', '-n', '1', row.commitSha!])).trim().split(' ');
    expect(parents).toEqual([row.commitSha, foreignSha]);
    expect(await git(env.repo, ['show', 'main:apps/between.yaml'])).toBe('kind: ConfigMap\n');
    expect(await merges(env.repo)).toEqual([]);
    expect((await trailerCounts(env.repo)).get(second)).toBe(1);
  });

  it('draining 100 times with nothing changed makes no commit', async () => {
    const world = await fleetWorld(app);
    await committed([await requestNamespace(app, world, `${world.tenant.name}-idle`)]);
    await waitFor(async () => (await http(app).get('/v1/fleet/status').set(bearer(world.admin)).expect(200)).body.pendingRequests === 0, {
      what: 'nothing pending',
      timeoutMs: 20_000,
    });
    const before = await commits(env.repo);
    const writer = app.get(FleetWriter);
    for (let i = 0; i < 100; i++) await writer.drain();
    expect(await commits(env.repo)).toEqual(before);
  });

  it('an unreachable remote leaves the request Approved with the error shown; once back it commits exactly once', async () => {
    const world = await fleetWorld(app);
    const away = `${env.repo}.away`;
    await rename(env.repo, away);
    let id: string;
    try {
      id = await requestNamespace(app, world, `${world.tenant.name}-later`);
      const [row] = await waitFor(
        async () => {
          const rows = await requestRows([id]);
          return rows[0]?.lastError ? rows : null;
        },
        { what: 'lastError on the request', timeoutMs: 20_000 },
      );
      expect(row.state).toBe('Approved');
      expect(row.commitSha).toBeNull();
      const status = await http(app).get('/v1/fleet/status').set(bearer(world.admin)).expect(200);
      expect(status.body.lastError).toMatchObject({ message: expect.any(String) });
      expect(status.body.pendingRequests).toBeGreaterThanOrEqual(1);
      const req = await http(app).get(`/v1/namespace-requests/${id}`).set(bearer(world.admin)).expect(200);
      expect(req.body).toMatchObject({ state: 'Approved', lastError: expect.any(String) });
      // Drift needs the remote: a 503 in the error shape, not a 500.
      const drift = await http(app).get('/v1/fleet/drift').set(bearer(world.admin)).expect(503);
      expect(drift.body.details).toEqual([expect.objectContaining({ code: 'fleet-unreachable' })]);
    } finally {
      await rename(away, env.repo);
    }
    const [row] = await committed([id], 40_000);
    expect(row.lastError).toBeNull();
    expect((await trailerCounts(env.repo)).get(id)).toBe(1);
    expect((await git(env.repo, ['rev-list', '-n', '1', 'main'])).trim()).toBe(row.commitSha);
  });

  it('one poisoned change among 50 good ones fails alone, with a reason; the 50 land', async () => {
    const world = await fleetWorld(app, 60);
    const t = world.tenant.name;
    // Hold the writer lock (as a busy replica would) so all 51 are pending for the same batch.
    const lock = new Client({ connectionString: process.env.DATABASE_URL });
    await lock.connect();
    let good: string[];
    let poisoned = '';
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [WRITER_LOCK_KEY]);
      const names = Array.from({ length: 51 }, (_, i) => `${t}-n${i}`);
      const ids = await Promise.all(names.map((n) => requestNamespace(app, world, n)));
      poisoned = ids[25];
      good = ids.filter((id) => id !== poisoned);
      // The namespace's desired state now grants a role the renderer refuses (e.g. written by an older Berth).
      const updated = await sql(
        `UPDATE "Namespace" SET spec = jsonb_set(spec::jsonb, '{access}', '[{"subject":{"kind":"User","name":"mallory"},"role":"cluster-admin"}]'::jsonb) WHERE "requestId" = $1 RETURNING id`,
        [poisoned],
      );
      expect(updated).toHaveLength(1);
      const rows = await requestRows(ids);
      expect(rows.every((r) => r.state === 'Approved')).toBe(true);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK_KEY]).catch(() => undefined);
      await lock.end();
    }
    const before = (await commits(env.repo)).length;
    const rows = await committed(good, 40_000);
    const [bad] = await waitFor(
      async () => {
        const r = await requestRows([poisoned]);
        return r[0]?.state === 'Failed' ? r : null;
      },
      { what: 'the poisoned request Failed', timeoutMs: 20_000 },
    );
    expect(bad.lastError).toMatch(/cluster-admin/);
    expect(bad.commitSha).toBeNull();
    const ns = await sql<{ state: string; lastError: string; failedBy: string }>(
      'SELECT state, "lastError", "failedBy" FROM "Namespace" WHERE "requestId" = $1',
      [poisoned],
    );
    expect(ns[0]).toMatchObject({ state: 'Failed', failedBy: 'Writer', lastError: expect.stringMatching(/cluster-admin/) });

    const counts = await trailerCounts(env.repo);
    for (const id of good) expect(counts.get(id)).toBe(1);
    expect(counts.has(poisoned)).toBe(false);
    // One batch: the 50 share one commit.
    expect(new Set(rows.map((r) => r.commitSha)).size).toBe(1);
    expect((await commits(env.repo)).length).toBe(before + 1);
    const files = await treeFiles(env.repo);
    for (let i = 0; i < 51; i++) expect(files.has(`tenants/${world.cluster}/${t}/${t}-n${i}/namespace.yaml`)).toBe(i !== 25);
    expect(files.get(`tenants/${world.cluster}/${t}/kustomization.yaml`)).not.toContain(`- ${t}-n25\n`);
  });

  it('drift is empty after commits, lists a foreign edit of a Berth file, and reconcile fixes it in one commit', async () => {
    const world = await fleetWorld(app);
    const name = `${world.tenant.name}-drift`;
    const id = await requestNamespace(app, world, name);
    await committed([id]);
    const admin = bearer(world.admin);
    const clean = await http(app).get('/v1/fleet/drift').set(admin).expect(200);
    expect(clean.body.head).toMatch(/^[0-9a-f]{40}$/);
    expect(driftOf(clean.body, world.cluster)).toEqual({ changed: [], missing: [], unexpected: [] });

    const quota = `tenants/${world.cluster}/${world.tenant.name}/${name}/resourcequota.yaml`;
    const stray = `tenants/${world.cluster}/${world.tenant.name}/${world.tenant.name}-stray/namespace.yaml`;
    await foreignCommit(
      env,
      { [quota]: 'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: berth-quota\nspec:\n  hard: {}\n', [stray]: 'kind: Namespace\n' },
      'Hand edit',
    );
    const drifted = await http(app).get('/v1/fleet/drift').set(admin).expect(200);
    expect(driftOf(drifted.body, world.cluster)).toEqual({
      changed: [quota],
      missing: [],
      unexpected: [`tenants/${world.cluster}/${world.tenant.name}/${world.tenant.name}-stray/`],
    });

    const before = await commits(env.repo);
    const rec = await http(app).post('/v1/fleet/reconcile').set(admin).expect(200);
    expect(rec.body.sha).toMatch(/^[0-9a-f]{40}$/);
    const after = await commits(env.repo);
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toBe(rec.body.sha);
    const again = await http(app).get('/v1/fleet/drift').set(admin).expect(200);
    expect(driftOf(again.body, world.cluster)).toEqual({ changed: [], missing: [], unexpected: [] });
    // A second reconcile has nothing to do.
    expect((await http(app).post('/v1/fleet/reconcile').set(admin).expect(200)).body.sha).toBeNull();
    expect(await commits(env.repo)).toEqual(after);
  });

  it('the fleet routes are for platform admins: 403 for others, 401 unauthenticated', async () => {
    const world = await fleetWorld(app);
    const user = await tokenFor({ sub: 'plain-user' });
    for (const token of [user, world.tenant.owner]) {
      await http(app).get('/v1/fleet/status').set(bearer(token)).expect(403);
      await http(app).get('/v1/fleet/drift').set(bearer(token)).expect(403);
      await http(app).post('/v1/fleet/reconcile').set(bearer(token)).expect(403);
    }
    await http(app).get('/v1/fleet/status').expect(401);
    await http(app).get('/v1/fleet/drift').expect(401);
    await http(app).post('/v1/fleet/reconcile').expect(401);
    const status = await http(app).get('/v1/fleet/status').set(bearer(world.admin)).expect(200);
    expect(status.body).toMatchObject({ repository: env.url, branch: 'main' });
  });
});

/**
 * The writer's batch queries are raw SQL on its own pool: their answers must be what the Prisma queries they
 * replaced return for the same rows (the renderer and the webhooks read the same fields, with the same types).
 * No writer runs here (the app above is closed): the repository is built on its own.
 */
describe("fleet writer's queries (raw SQL on its own pool)", () => {
  let prisma: FleetPrisma;
  let store: FleetWriterRepository;
  /** What the repository's webhook emits woke (the queue is a stub); `failWake` makes a wake-up fail. */
  const woken: WebhookJob[] = [];
  let failWake: Error | undefined;
  const suffix = randomBytes(3).toString('hex');
  const cluster = `rawsql-${suffix}`;
  let savedStatus: FleetStatus | null;

  beforeAll(async () => {
    prisma = new FleetPrisma({ databaseUrl: process.env.DATABASE_URL } as BerthConfig);
    const queue = {
      wakeIn: async (_tx: SqlTx, jobs: WebhookJob[]) => {
        if (failWake) throw failWake;
        woken.push(...jobs);
      },
    };
    store = new FleetWriterRepository(prisma, new WebhookEvents(queue as unknown as WebhookQueue));
    savedStatus = await prisma.fleetStatus.findUnique({ where: { id: FLEET_STATUS_ID } });
    await prisma.cluster.create({ data: { name: cluster, fleetPath: `clusters/${cluster}`, labels: { env: 'test' } } });
  });
  afterEach(() => {
    failWake = undefined;
    woken.length = 0;
  });
  afterAll(async () => {
    // Nothing of this block may be left Approved for another spec file's writer, nor its writer status changed.
    const tenants = await prisma.tenant.findMany({ where: { name: { startsWith: `raw-${suffix}` } }, select: { id: true } });
    const tenantId = { in: tenants.map((t) => t.id) };
    await prisma.namespace.deleteMany({ where: { tenantId } });
    await prisma.namespaceRequest.deleteMany({ where: { tenantId } });
    await prisma.tenant.deleteMany({ where: { id: tenantId } });
    await prisma.cluster.deleteMany({ where: { name: cluster } });
    await prisma.fleetStatus.deleteMany({ where: { id: FLEET_STATUS_ID } });
    if (savedStatus) await prisma.fleetStatus.create({ data: savedStatus });
    await prisma.onApplicationShutdown();
  });

  let seq = 0;
  const tenantOf = (syncRepo: Prisma.InputJsonValue | null) =>
    prisma.tenant.create({ data: { name: `raw-${suffix}-${++seq}`, syncRepo: syncRepo ?? Prisma.DbNull, allowedClusters: [cluster], labels: { team: 'x' } } });

  /** An approved request and its namespace in the desired state (Deleting for a Delete), as Prisma writes them. */
  async function approved(tenantId: string, kind: 'Create' | 'Delete' = 'Create', namespace: Partial<Prisma.NamespaceUncheckedCreateInput> = {}) {
    const name = `raw-${suffix}-ns${++seq}`;
    const request = await prisma.namespaceRequest.create({
      data: {
        tenantId,
        kind,
        namespace: name,
        cluster,
        spec: { tier: 'small', labels: { a: 'b' } },
        state: 'Approved',
        decision: { outcome: 'approve', reasons: [] },
        reason: 'auto',
        requestedBy: 'user:dev',
        accountable: 'dev',
        decidedBy: 'system:policy',
        decidedAt: new Date(Date.now() - 60_000 + seq),
        comment: 'ok',
        lastError: 'earlier attempt failed',
        attempts: 1,
      },
    });
    const state = kind === 'Delete' ? 'Deleting' : 'Approved';
    const ns = await prisma.namespace.create({
      data: { tenantId, cluster, name, spec: { tier: 'small' }, resources: { 'requests.cpu': '1' }, requestId: request.id, state, ...namespace },
    });
    return { request, ns };
  }

  /** What the writer rendered for these namespaces (their version 1). */
  const renderedOf = (rows: Array<{ ns: { id: string; state: string } }>) =>
    rows.map(({ ns }) => ({ id: ns.id, version: 1, deleting: ns.state === 'Deleting' }));

  it('read what the Prisma queries they replaced read, with the same JS types (Date, number, parsed JSON, enum strings)', async () => {
    const withRepo = await tenantOf({ url: 'https://git.example.com/team/app.git', branch: 'main', path: './deploy' });
    const without = await tenantOf(null);
    const full = await approved(withRepo.id, 'Create', {
      limitRange: { default: { cpu: '500m' } },
      expiresAt: new Date('2027-01-02T03:04:05.678Z'),
      commitSha: 'abc',
      lastError: 'flux said no',
      failedBy: 'Flux',
      state: 'Failed',
      used: { 'requests.cpu': '250m' },
      readyAt: new Date('2026-12-01T00:00:00.001Z'),
      version: 3,
    });
    const bare = await approved(without.id);
    const deleting = await approved(without.id, 'Delete');

    const pending = await prisma.namespaceRequest.findMany({
      where: { state: 'Approved' },
      orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
      take: 1000,
      include: { tenant: { select: { name: true } } },
    });
    expect(pending.map((r) => r.id)).toEqual(expect.arrayContaining([full.request.id, bare.request.id, deleting.request.id]));
    expect(await store.pending(1000)).toStrictEqual(pending);
    expect(await store.pending(2)).toStrictEqual(pending.slice(0, 2));
    expect(await store.countPending()).toBe(await prisma.namespaceRequest.count({ where: { state: 'Approved' } }));

    const refs = [full, bare, deleting, full].map(({ request }) => ({ cluster, name: request.namespace }));
    refs.push({ cluster, name: `raw-${suffix}-missing` }, { cluster: 'elsewhere', name: full.request.namespace });
    const live = await prisma.namespace.findMany({
      where: { OR: refs.map((r) => ({ cluster: r.cluster, name: r.name })) },
      include: { tenant: { select: { name: true, syncRepo: true } } },
    });
    expect(live).toHaveLength(3);
    expect(byId(await store.namespaces(refs))).toStrictEqual(byId(live));
    expect(await store.namespaces([])).toEqual([]);

    const names = [withRepo.name, without.name, `raw-${suffix}-nobody`];
    const tenants = await prisma.tenant.findMany({ where: { name: { in: names } }, select: { name: true, syncRepo: true } });
    expect(byName(await store.tenantsByName(names))).toStrictEqual(byName(tenants));
    expect(byName(await store.clusters())).toStrictEqual(byName(await prisma.cluster.findMany({ select: { name: true, fleetPath: true } })));
  });

  it('read and record the writer status as Prisma did: none, a push, failures, healthy again', async () => {
    const prismaStatus = () => prisma.fleetStatus.findUnique({ where: { id: FLEET_STATUS_ID } });
    await prisma.fleetStatus.deleteMany({ where: { id: FLEET_STATUS_ID } });
    expect(await store.status()).toBeNull();

    const first = new Date();
    await store.recordPush('sha-first');
    const created = await prismaStatus();
    expect(created).toMatchObject({ lastPushSha: 'sha-first', failures: 0, lastError: null, degradedSince: null });
    expect(created!.lastPushAt!.getTime()).toBeGreaterThanOrEqual(first.getTime());
    expect(created!.updatedAt).toEqual(created!.lastPushAt);

    const failing = { lastError: 'remote down', lastErrorAt: new Date('2026-11-30T01:00:00.123Z'), failures: 2 };
    await prisma.fleetStatus.update({ where: { id: FLEET_STATUS_ID }, data: { ...failing, degradedSince: failing.lastErrorAt, nextAttemptAt: new Date() } });
    expect(await store.status()).toStrictEqual(await prismaStatus());

    await store.recordPush('sha-second');
    expect(await prismaStatus()).toMatchObject({ lastPushSha: 'sha-second', ...failing });
    expect(await store.recordHealthy()).toBe(true);
    const healthy = await prismaStatus();
    expect(healthy).toMatchObject({ lastPushSha: 'sha-second', lastError: 'remote down', failures: 0, degradedSince: null, nextAttemptAt: null });
    expect(healthy!.updatedAt.getTime()).toBeGreaterThanOrEqual(healthy!.lastPushAt!.getTime());
    expect(await store.recordHealthy()).toBe(false);
    expect(await store.status()).toStrictEqual(healthy);
  });

  it('markCommitted settles requests, namespaces and the push in two round trips when no subscription can receive the events', async () => {
    const tenant = await tenantOf(null);
    const created = await approved(tenant.id);
    const removed = await approved(tenant.id, 'Delete');
    // Changed again since it was rendered: it stays Approved for the next batch.
    const moved = await approved(tenant.id, 'Create', { version: 2 });
    const rendered = renderedOf([created, removed, moved]);
    const ids = [created, removed, moved].map(({ request }) => request.id);

    const sent = await statementsOf(() => store.markCommitted(ids, 'sha-batch', rendered, { pushed: true }));
    expect(sent).toEqual([expect.stringMatching(/^BEGIN; .*WITH committed AS/s), 'COMMIT']);
    expect(await stateOf(ids)).toEqual(ids.map((id) => ({ id, state: 'Committed', commitSha: 'sha-batch', lastError: null })));
    const namespaces = await prisma.namespace.findMany({ where: { tenantId: tenant.id }, orderBy: { name: 'asc' } });
    expect(namespaces.map((n) => [n.id, n.state, n.commitSha])).toEqual([
      [created.ns.id, 'Committed', 'sha-batch'],
      [moved.ns.id, 'Approved', null],
    ]);
    expect(await prisma.fleetStatus.findUnique({ where: { id: FLEET_STATUS_ID } })).toMatchObject({ lastPushSha: 'sha-batch' });
    expect(woken).toEqual([]);
  });

  it('markCommitted fans the events out and wakes their streams inside its unit when the tenant has a subscription', async () => {
    const { hook, created, removed, ids, rendered } = await subscribedBatch();

    const sent = await statementsOf(() => store.markCommitted(ids, 'sha-hooked', rendered));
    // The queue's wake-ups (stubbed here) would go out between the fan-out and the COMMIT.
    expect(sent).toEqual([expect.stringMatching(/^BEGIN; .*WITH committed AS/s), expect.stringMatching(/^\s*INSERT INTO "WebhookDelivery"/), 'COMMIT']);
    const deliveries = await prisma.webhookDelivery.findMany({ where: { subscriptionId: hook.id }, orderBy: { seq: 'asc' } });
    expect(deliveries.map((d) => [d.eventType, d.orderingKey])).toEqual([
      ['namespace.committed', `${cluster}/${created.request.namespace}`],
      ['namespace.committed', `${cluster}/${removed.request.namespace}`],
      ['namespace.deleted', `${cluster}/${removed.request.namespace}`],
    ]);
    expect(deliveries[0].payload).toMatchObject({
      type: 'namespace.committed',
      data: { requestId: created.request.id, state: 'Committed', commitSha: 'sha-hooked' },
    });
    expect(new Set(woken.map((job) => job.orderingKey))).toEqual(new Set(deliveries.map((d) => d.orderingKey)));
    expect((await stateOf(ids)).map((r) => r.state)).toEqual(['Committed', 'Committed']);
  });

  it('a markCommitted that fails part-way (its statement, or a wake-up after it) commits nothing, and its connection goes back usable', async () => {
    const { tenant, hook, ids, rendered } = await subscribedBatch();
    const before = { requests: await stateOf(ids), namespaces: await prisma.namespace.findMany({ where: { tenantId: tenant.id }, orderBy: { name: 'asc' } }) };
    const status = await prisma.fleetStatus.findUnique({ where: { id: FLEET_STATUS_ID } });
    const unchanged = async () => {
      expect(await stateOf(ids)).toEqual(before.requests);
      expect(await prisma.namespace.findMany({ where: { tenantId: tenant.id }, orderBy: { name: 'asc' } })).toEqual(before.namespaces);
      expect(await prisma.webhookDelivery.count({ where: { subscriptionId: hook.id } })).toBe(0);
      expect(await prisma.fleetStatus.findUnique({ where: { id: FLEET_STATUS_ID } })).toEqual(status);
    };

    // The database refuses the one statement (a namespace id that is no uuid).
    await expect(store.markCommitted(ids, 'sha-refused', [...rendered, { id: 'not-a-uuid', version: 1, deleting: false }], { pushed: true })).rejects.toThrow(
      /uuid/,
    );
    await unchanged();
    // The statement and the fan-out ran; a wake-up of the same unit fails.
    failWake = new Error('queue unavailable');
    await expect(store.markCommitted(ids, 'sha-unwoken', rendered, { pushed: true })).rejects.toThrow('queue unavailable');
    await unchanged();

    failWake = undefined;
    await store.markCommitted(ids, 'sha-retried', rendered, { pushed: true });
    expect((await stateOf(ids)).map((r) => r.commitSha)).toEqual(['sha-retried', 'sha-retried']);
    expect(prisma.pool.totalCount).toBe(prisma.pool.idleCount);
  });

  /** A tenant with a webhook subscription, and a batch of one create and one delete ready to be marked Committed. */
  const subscribedBatch = async () => {
    const tenant = await tenantOf(null);
    const hook = await subscription(tenant.id);
    const created = await approved(tenant.id);
    const removed = await approved(tenant.id, 'Delete');
    return { tenant, hook, created, removed, ids: [created.request.id, removed.request.id], rendered: renderedOf([created, removed]) };
  };

  const subscription = (tenantId: string) =>
    prisma.webhookSubscription.create({
      data: { tenantId, url: 'https://hooks.example.com/berth', eventTypes: ['namespace.*'], secret: 'whsec_test', createdBy: 'test' },
    });

  const stateOf = async (ids: string[]) => {
    const rows = await prisma.namespaceRequest.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, commitSha: true, lastError: true } });
    return rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  };

  /** The queries the writer's pool sent while `work` ran (one per round trip). */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    const sent: string[] = [];
    proto.query = function (this: Client & { connectionParameters: { application_name?: string } }, ...args: unknown[]) {
      const config = args[0] as string | { text: string };
      if (this.connectionParameters.application_name === 'berth-fleet-writer') sent.push(typeof config === 'string' ? config : config.text);
      return query.apply(this, args);
    };
    try {
      await work();
      return sent;
    } finally {
      proto.query = query;
    }
  }
});

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
const byName = <T extends { name: string }>(rows: T[]) => [...rows].sort((a, b) => a.name.localeCompare(b.name));
