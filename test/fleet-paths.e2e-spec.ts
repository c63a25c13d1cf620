import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, newTenant, uniqueName } from './helpers/fixtures';
import { commits, FleetEnv, fleetEnv, treeFiles } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { adminToken } from './helpers/tokens';

jest.setTimeout(90_000);

type Row = { id: string; state: string; lastError: string | null; commitSha: string | null };
const requestRow = async (id: string) => (await sql<Row>('SELECT id, state, "lastError", "commitSha" FROM "NamespaceRequest" WHERE id = $1', [id]))[0];

describe('fleet paths: no path with two owners', () => {
  let env: FleetEnv;
  let app: NestFastifyApplication;
  let admin: string;
  const api = () => http(app);
  const createCluster = (body: Record<string, unknown>) => api().post('/v1/clusters').set(bearer(admin)).send(body);

  beforeAll(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
    app = await startApp();
    admin = await adminToken();
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it("refuses (409) a fleetPath that equals, contains or lies in another cluster's, naming that cluster", async () => {
    const a = uniqueName('c');
    await createCluster({ name: a }).expect(201);
    for (const fleetPath of [`clusters/${a}`, `clusters/${a}/nested`, 'clusters']) {
      const res = await createCluster({ name: uniqueName('c'), fleetPath }).expect(409);
      expectErrorShape(res);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'fleetPath', code: 'fleet-path-taken', cluster: expect.any(String) })]);
    }
    const same = await createCluster({ name: uniqueName('c'), fleetPath: `clusters/${a}` }).expect(409);
    expect(same.body.details[0]).toMatchObject({ cluster: a, path: `clusters/${a}` });
    // The default path is checked too: a cluster named like another's explicit folder.
    const b = uniqueName('c');
    await createCluster({ name: uniqueName('c'), fleetPath: `clusters/${b}` }).expect(201);
    await createCluster({ name: b })
      .expect(409)
      .expect((r) => expect(r.body.details[0].code).toBe('fleet-path-taken'));
    await api().get(`/v1/clusters/${b}`).set(bearer(admin)).expect(404);
  });

  it('refuses (422) a fleetPath in, equal to or containing the tenants root', async () => {
    for (const fleetPath of ['tenants', 'tenants/x', `tenants/${uniqueName('c')}/deep`]) {
      const res = await createCluster({ name: uniqueName('c'), fleetPath }).expect(422);
      expectErrorShape(res);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'fleetPath', code: 'fleet-path-in-tenants-root', path: 'tenants' })]);
    }
  });

  it('applies the same rule on update; a cluster may move within its own folder', async () => {
    const a = uniqueName('c');
    const b = uniqueName('c');
    await createCluster({ name: a }).expect(201);
    await createCluster({ name: b }).expect(201);
    const res = await api()
      .patch(`/v1/clusters/${b}`)
      .set(bearer(admin))
      .send({ fleetPath: `clusters/${a}` })
      .expect(409);
    expect(res.body.details[0]).toMatchObject({ code: 'fleet-path-taken', cluster: a });
    await api().patch(`/v1/clusters/${b}`).set(bearer(admin)).send({ fleetPath: 'tenants/b' }).expect(422);
    await api()
      .patch(`/v1/clusters/${b}`)
      .set(bearer(admin))
      .send({ fleetPath: `clusters/${b}/flux` })
      .expect(200);
    await api()
      .patch(`/v1/clusters/${b}`)
      .set(bearer(admin))
      .send({ labels: { env: 'x' } })
      .expect(200);
    const row = await api().get(`/v1/clusters/${b}`).set(bearer(admin)).expect(200);
    expect(row.body.fleetPath).toBe(`clusters/${b}/flux`);
  });

  it('lets only one of concurrent creates with clashing paths win (two API instances)', async () => {
    const other = await startApp();
    try {
      const base = `race/${uniqueName('p')}`;
      const paths = [base, base, `${base}/inner`, base, `${base}/inner/deeper`, base];
      const results = await Promise.all(
        paths.map((fleetPath, i) =>
          http(i % 2 ? other : app)
            .post('/v1/clusters')
            .set(bearer(admin))
            .send({ name: uniqueName('c'), fleetPath }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    } finally {
      await other.close();
    }
  });

  describe('the writer refuses to render two owners for one file (rows written behind the API)', () => {
    it('fails the change on a clashing cluster with the reason, leaves the other cluster alone, and drift reports the collision', async () => {
      const a = uniqueName('c');
      const b = uniqueName('c');
      const tier = uniqueName('tier');
      await createCluster({ name: a }).expect(201);
      await createCluster({ name: b }).expect(201);
      await api()
        .post('/v1/quota-tiers')
        .set(bearer(admin))
        .send({ name: tier, resources: { 'requests.cpu': '100m' } })
        .expect(201);
      const t = await newTenant(api(), { allowedClusters: [a, b], allowedTiers: [tier] });
      const ask = (cluster: string, name: string) =>
        api()
          .post(`/v1/tenants/${t.name}/namespace-requests`)
          .set(bearer(t.developer))
          .send({ name, cluster, tier })
          .expect(201)
          .then((r) => r.body.id as string);

      const first = await ask(a, `${t.name}-one`);
      await waitFor(async () => (await requestRow(first)).state === 'Committed', { what: 'first request Committed', timeoutMs: 20_000 });
      const entry = `clusters/${a}/berth-tenants.yaml`;
      const before = (await treeFiles(env.repo)).get(entry);
      expect(before).toContain(`path: ./tenants/${a}`);

      // The hostile row: cluster b's fleetPath points at cluster a's folder (the API would refuse it).
      await sql('UPDATE "Cluster" SET "fleetPath" = $1 WHERE name = $2', [`clusters/${a}`, b]);
      const head = (await commits(env.repo))[0];
      const second = await ask(b, `${t.name}-two`);
      const failed = await waitFor(
        async () => {
          const row = await requestRow(second);
          return row.state === 'Failed' ? row : null;
        },
        { what: 'the clashing request Failed', timeoutMs: 20_000 },
      );
      expect(failed.lastError).toMatch(/two owners/);
      expect(failed.lastError).toContain(entry);
      expect((await commits(env.repo))[0]).toBe(head);
      expect((await treeFiles(env.repo)).get(entry)).toBe(before);

      const drift = await api().get('/v1/fleet/drift').set(bearer(admin)).expect(200);
      expect(drift.body.collisions).toEqual([{ path: entry, owners: [`cluster/${a}`, `cluster/${b}`].sort() }]);
      const reconcile = await api().post('/v1/fleet/reconcile').set(bearer(admin)).expect(409);
      expectErrorShape(reconcile);
      expect(reconcile.body.details[0]).toMatchObject({ code: 'fleet-ownership-collision', path: entry });
      expect((await commits(env.repo))[0]).toBe(head);

      // Put the row right: drift is clean of collisions again.
      await sql('UPDATE "Cluster" SET "fleetPath" = $1 WHERE name = $2', [`clusters/${b}`, b]);
      const clean = await api().get('/v1/fleet/drift').set(bearer(admin)).expect(200);
      expect(clean.body.collisions).toEqual([]);
    });
  });
});
