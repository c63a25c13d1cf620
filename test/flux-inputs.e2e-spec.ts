import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'supertest';
import { http, startApp } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { apiKeyHeader, bearer, newTenant, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

const PAGE_SIZE = 5;
const inputsOf = (cluster: string, extra = '') => `/v1/flux/inputs?cluster=${cluster}${extra}`;
type Input = { id: string; kind: 'namespace' | 'onboarding'; name: string; tenant: string; cluster: string; preview: unknown; objects: unknown[] };
const namespacesOf = (inputs: Input[]) => inputs.filter((i) => i.kind === 'namespace');

/** Two clusters, a tier, a tenant on both; namespaces a, b, c (+ a preview) on A, one on B, one deleted on A. */
async function world(app: NestFastifyApplication) {
  const api = http(app);
  const admin = await adminToken();
  const [a, b, tier] = [uniqueName('c'), uniqueName('c'), uniqueName('tier')];
  for (const name of [a, b]) await api.post('/v1/clusters').set(bearer(admin)).send({ name }).expect(201);
  await api
    .post('/v1/quota-tiers')
    .set(bearer(admin))
    .send({ name: tier, resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi' }, limitRange: { default: { cpu: '100m' } } })
    .expect(201);
  const tenant = await newTenant(api, { budget: { 'requests.cpu': '20', namespaces: 50 }, allowedClusters: [a, b], allowedTiers: [tier], previewCluster: a });
  const ask = (name: string, cluster: string, extra: Record<string, unknown> = {}) =>
    api
      .post(`/v1/tenants/${tenant.name}/namespace-requests`)
      .set(bearer(tenant.owner))
      .send({ name: `${tenant.name}-${name}`, cluster, tier, ...extra })
      .expect(201);
  await ask('a', a, {
    labels: { team: 'web' },
    annotations: { 'example.com/owner': 'web' },
    access: [{ subject: { kind: 'Group', name: 'web' }, role: 'edit' }],
    networkPolicy: 'tenant',
    ttl: '48h',
  });
  await ask('b', a);
  await ask('c', a);
  await ask('other', b);
  await ask('gone', a);
  await api.delete(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-gone`).set(bearer(tenant.owner)).expect(202);
  await api
    .post(`/v1/tenants/${tenant.name}/previews`)
    .set(bearer(tenant.developer))
    .send({ repository: 'acme/web', pullRequest: 9, headSha: 'abcdef1' })
    .expect(201);
  const key = await api.post('/v1/api-keys').set(bearer(admin)).send({ name: 'flux-a', role: 'cluster', cluster: a }).expect(201);
  expect(key.body).toMatchObject({ role: 'cluster', cluster: a, tenant: null });
  return { admin, a, b, tier, tenant, keyA: apiKeyHeader(key.body.key as string) };
}

describe('Flux Operator pull mode: GET /v1/flux/inputs', () => {
  let app: NestFastifyApplication;
  const saved = { writer: process.env.BERTH_FLEET_WRITER, size: process.env.BERTH_FLUX_INPUTS_PAGE_SIZE };
  beforeAll(async () => {
    process.env.BERTH_FLEET_WRITER = 'off';
    process.env.BERTH_FLUX_INPUTS_PAGE_SIZE = String(PAGE_SIZE);
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
    for (const [k, v] of [
      ['BERTH_FLEET_WRITER', saved.writer],
      ['BERTH_FLUX_INPUTS_PAGE_SIZE', saved.size],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('answers the ExternalService format: one input per live namespace of that cluster, with stable ids', async () => {
    const { a, tenant, keyA } = await world(app);
    const res = await http(app).get(inputsOf(a)).set(keyA).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['inputs', 'nextCursor']);
    expect(res.body.nextCursor).toBeNull();
    expect(res.headers.link).toBeUndefined();
    const all = res.body.inputs as Input[];
    // One onboarding input for the tenant (id: the tenant's), the rest namespaces.
    expect(all.filter((i) => i.kind === 'onboarding')).toEqual([
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), kind: 'onboarding', tenant: tenant.name, cluster: a, objects: expect.any(Array) },
    ]);
    const inputs = namespacesOf(all);
    // Not the other cluster's, not the one being deleted.
    expect(inputs.map((i) => i.name).sort()).toEqual([`${tenant.name}-a`, `${tenant.name}-b`, `${tenant.name}-c`, `${tenant.name}-pr-9`].sort());
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
    for (const input of all) expect(typeof input.id).toBe('string');
    const nsA = inputs.find((i) => i.name === `${tenant.name}-a`)!;
    expect(nsA).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'namespace',
      tenant: tenant.name,
      name: `${tenant.name}-a`,
      cluster: a,
      tier: expect.any(String),
      resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi' },
      limitRange: { default: { cpu: '100m' } },
      labels: { team: 'web' },
      annotations: { 'example.com/owner': 'web' },
      access: [{ subject: { kind: 'Group', name: 'web' }, role: 'edit' }],
      networkPolicy: 'tenant',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      preview: null,
      objects: expect.arrayContaining([
        expect.objectContaining({ kind: 'Namespace', metadata: expect.objectContaining({ name: `${tenant.name}-a` }) }),
        expect.objectContaining({ kind: 'ResourceQuota' }),
      ]),
    });
    expect(inputs.find((i) => i.name === `${tenant.name}-pr-9`)!.preview).toEqual({ repository: 'acme/web', pullRequest: 9, headSha: 'abcdef1' });
    expect(inputs.find((i) => i.name === `${tenant.name}-b`)).toMatchObject({ expiresAt: null, labels: {}, access: [] });
    // Same answer on every call: ids (and the whole body) are stable.
    const again = await http(app).get(inputsOf(a)).set(keyA).expect(200);
    expect(again.body).toEqual(res.body);
    // A change keeps the id.
    await http(app)
      .patch(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-b`)
      .set(bearer(tenant.developer))
      .send({ labels: { v: '2' } })
      .expect(201);
    const changed = await http(app).get(inputsOf(a)).set(keyA).expect(200);
    const before = inputs.find((i) => i.name === `${tenant.name}-b`)!;
    expect(namespacesOf(changed.body.inputs as Input[]).find((i) => i.name === `${tenant.name}-b`)).toMatchObject({ id: before.id, labels: { v: '2' } });
  });

  it('lets a cluster key read only its cluster; admins any; everyone else is refused', async () => {
    const { a, b, tenant, keyA } = await world(app);
    const other = await http(app).get(inputsOf(b)).set(keyA).expect(404);
    expectErrorShape(other, 404);
    await http(app).get(inputsOf('no-such-cluster')).set(keyA).expect(404);
    await http(app).get(inputsOf(a)).expect(401);
    for (const who of [bearer(tenant.owner), bearer(tenant.developer), bearer(tenant.viewer)]) {
      const res = await http(app).get(inputsOf(a)).set(who).expect(403);
      expectErrorShape(res, 403);
    }
    const ownerKey = await http(app).post(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).send({ name: 'portal', role: 'owner' }).expect(201);
    await http(app).get(inputsOf(a)).set(apiKeyHeader(ownerKey.body.key)).expect(403);
    const admin = await adminToken();
    const asAdmin = await http(app).get(inputsOf(b)).set(bearer(admin)).expect(200);
    expect(namespacesOf(asAdmin.body.inputs as Input[]).map((i) => i.name)).toEqual([`${tenant.name}-other`]);
    await http(app).get(inputsOf('no-such-cluster')).set(bearer(admin)).expect(404);
    // A cluster key reaches nothing else.
    for (const path of ['/v1/clusters', '/v1/tenants', `/v1/tenants/${tenant.name}`, `/v1/tenants/${tenant.name}/namespaces`, '/v1/namespace-requests']) {
      const res = await http(app).get(path).set(keyA);
      expect([path, res.status]).toEqual([path, path.startsWith('/v1/tenants/') ? 404 : 403]);
    }
    // Cluster keys: admins only, for an existing cluster.
    await http(app).post('/v1/api-keys').set(bearer(admin)).send({ name: 'flux-x', role: 'cluster', cluster: 'no-such-cluster' }).expect(422);
    await http(app).post('/v1/api-keys').set(bearer(admin)).send({ name: 'flux-x', role: 'cluster' }).expect(400);
    await http(app).post('/v1/api-keys').set(bearer(admin)).send({ name: 'adm', cluster: a }).expect(400);
    await http(app).post('/v1/api-keys').set(bearer(tenant.owner)).send({ name: 'flux-x', role: 'cluster', cluster: a }).expect(403);
    await http(app).post(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).send({ name: 'flux-x', role: 'cluster' }).expect(400);
    const keys = await http(app).get('/v1/api-keys?limit=500').set(bearer(admin)).expect(200);
    expect(keys.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'flux-a', role: 'cluster', cluster: a })]));
  });

  it('accepts the cluster key as HTTP Basic credentials, as Flux Operator sends a Secret with username and password', async () => {
    // flux-operator callExternalServiceProvider: a Secret with `token` is sent as Bearer, otherwise its trimmed
    // `username` and `password` through req.SetBasicAuth (Authorization: Basic base64(username:password)).
    const { a, tenant, keyA } = await world(app);
    const key = keyA['X-API-Key'];
    const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const viaKey = await http(app).get(inputsOf(a)).set(keyA).expect(200);
    const viaBasic = await http(app).get(inputsOf(a)).set(basic('flux', key)).expect(200);
    expect(viaBasic.body).toEqual(viaKey.body);
    await http(app).get(inputsOf(a)).set(basic('', key)).expect(200); // the username is not checked
    // Wrong or non-key passwords, a malformed header: 401 in the error shape.
    expectErrorShape(
      await http(app)
        .get(inputsOf(a))
        .set(basic('flux', `${key}x`))
        .expect(401),
      401,
    );
    expectErrorShape(await http(app).get(inputsOf(a)).set(basic('flux', 'hunter2')).expect(401), 401);
    await http(app).get(inputsOf(a)).set(basic(key, '')).expect(401);
    await http(app).get(inputsOf(a)).set({ Authorization: 'Basic not base64!' }).expect(401);
    // Only this route takes Basic credentials; an admin key through Basic elsewhere is refused.
    await http(app).get(`/v1/tenants/${tenant.name}`).set(basic('flux', key)).expect(401);
    // Basic and X-API-Key together are ambiguous, like any two credentials.
    const both = await http(app)
      .get(inputsOf(a))
      .set({ ...basic('flux', key), ...keyA })
      .expect(400);
    expect(both.body.message).toMatch(/ambiguous credentials/i);
  });

  it('paginates with limit and cursor (nextCursor and a Link header), and refuses an incomplete answer to Flux', async () => {
    const { a, tenant, keyA } = await world(app);
    for (const n of ['d', 'e']) {
      await http(app)
        .post(`/v1/tenants/${tenant.name}/namespace-requests`)
        .set(bearer(tenant.owner))
        .send({ name: `${tenant.name}-${n}`, cluster: a, resources: { 'requests.cpu': '10m' } })
        .expect(201);
    }
    // 7 inputs (6 namespaces and the tenant's onboarding) > BERTH_FLUX_INPUTS_PAGE_SIZE (5): the plain URL Flux polls must not get a cut list.
    const whole = await http(app).get(inputsOf(a)).set(keyA).expect(422);
    expect(whole.body.details[0]).toMatchObject({ code: 'inputs.too-large', limit: PAGE_SIZE });
    const seen: Input[] = [];
    let url: string | null = inputsOf(a, '&limit=2');
    let pages = 0;
    while (url) {
      const res: Response = await http(app).get(url).set(keyA).expect(200);
      pages += 1;
      expect(res.body.inputs.length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.inputs as Input[]));
      if (res.body.nextCursor) {
        expect(res.headers.link).toBe(`</v1/flux/inputs?cluster=${a}&limit=2&cursor=${res.body.nextCursor}>; rel="next"`);
        url = res.headers.link.slice(1, res.headers.link.indexOf('>'));
      } else {
        expect(res.headers.link).toBeUndefined();
        url = null;
      }
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(4);
    expect(
      namespacesOf(seen)
        .map((i) => i.name)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e', 'pr-9'].map((n) => `${tenant.name}-${n}`).sort());
    // A limit above the configured page size is capped at it.
    const capped = await http(app).get(inputsOf(a, '&limit=100')).set(keyA).expect(200);
    expect(capped.body.inputs).toHaveLength(PAGE_SIZE);
    await http(app).get(inputsOf(a, '&cursor=bm9wZQ')).set(keyA).expect(400);
    await http(app).get(inputsOf(a, '&limit=0')).set(keyA).expect(400);
  });

  it('splits a cluster into stable shards: every input in exactly one shard, on every call', async () => {
    const { a, keyA } = await world(app);
    const all = (await http(app).get(inputsOf(a)).set(keyA).expect(200)).body.inputs as Input[];
    const shards = 3;
    const collect = async () => {
      const byShard: string[][] = [];
      for (let shard = 0; shard < shards; shard++) {
        const ids: string[] = [];
        let cursor: string | null = null;
        do {
          const res: Response = await http(app)
            .get(inputsOf(a, `&shards=${shards}&shard=${shard}&limit=1${cursor ? `&cursor=${cursor}` : ''}`))
            .set(keyA)
            .expect(200);
          ids.push(...(res.body.inputs as Input[]).map((i) => i.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        byShard.push(ids);
      }
      return byShard;
    };
    const first = await collect();
    expect(first.flat().sort()).toEqual(all.map((i) => i.id).sort());
    expect(await collect()).toEqual(first);
    await http(app).get(inputsOf(a, '&shards=3&shard=3')).set(keyA).expect(422);
    await http(app).get(inputsOf(a, '&shard=1')).set(keyA).expect(400);
  });
});
