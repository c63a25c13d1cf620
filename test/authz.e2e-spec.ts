import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'supertest';
import { http, startApp } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { apiKeyHeader, bearer, catalogue, newTenant, tenantApiKey, TenantFixture, uniqueName } from './helpers/fixtures';
import { tokenFor } from './helpers/tokens';

type Headers = Record<string, string>;
type Role = 'viewer' | 'developer' | 'owner' | 'admin' | 'outsider' | 'viewerKey' | 'ownerKey';
const ROLES: Role[] = ['viewer', 'developer', 'owner', 'admin', 'outsider', 'viewerKey', 'ownerKey'];
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

let app: NestFastifyApplication;
const api = () => http(app);
let admin: string;
let outsider: string;
let cluster: string;
let tier: string;

/** Credentials of each role in tenant `t` (tenant API keys are made once per tenant). */
const keyCache = new Map<string, string>();
async function headersFor(role: Role, t: TenantFixture): Promise<Headers> {
  const key = async (r: 'viewer' | 'owner') => {
    const id = `${t.name}/${r}`;
    if (!keyCache.has(id)) keyCache.set(id, await tenantApiKey(api(), t.name, r));
    return keyCache.get(id)!;
  };
  switch (role) {
    case 'admin':
      return bearer(admin);
    case 'outsider':
      return bearer(outsider);
    case 'viewerKey':
      return bearer(await key('viewer')); // Authorization: Bearer berth_…
    case 'ownerKey':
      return apiKeyHeader(await key('owner')); // X-API-Key: berth_…
    default:
      return bearer(t[role]);
  }
}

beforeAll(async () => {
  app = await startApp();
  ({ admin, cluster, tier } = await catalogue(api()));
  outsider = await tokenFor({ sub: `outsider-${uniqueName()}` });
});
afterAll(async () => {
  await app.close();
});

describe('unauthenticated and badly authenticated calls', () => {
  const ROUTES: Array<[string, string]> = [
    ['get', '/v1/me'],
    ['get', '/v1/clusters'],
    ['post', '/v1/clusters'],
    ['get', '/v1/clusters/some-cluster'],
    ['patch', '/v1/clusters/some-cluster'],
    ['delete', '/v1/clusters/some-cluster'],
    ['get', '/v1/quota-tiers'],
    ['post', '/v1/quota-tiers'],
    ['get', '/v1/quota-tiers/some-tier'],
    ['patch', '/v1/quota-tiers/some-tier'],
    ['delete', '/v1/quota-tiers/some-tier'],
    ['get', '/v1/tenants'],
    ['post', '/v1/tenants'],
    ['get', '/v1/tenants/some-tenant'],
    ['patch', '/v1/tenants/some-tenant'],
    ['delete', '/v1/tenants/some-tenant'],
    ['get', '/v1/tenants/some-tenant/members'],
    ['post', '/v1/tenants/some-tenant/members'],
    ['delete', `/v1/tenants/some-tenant/members/${NO_SUCH_ID}`],
    ['get', '/v1/tenants/some-tenant/api-keys'],
    ['post', '/v1/tenants/some-tenant/api-keys'],
    ['delete', `/v1/tenants/some-tenant/api-keys/${NO_SUCH_ID}`],
    ['get', '/v1/api-keys'],
    ['post', '/v1/api-keys'],
    ['delete', `/v1/api-keys/${NO_SUCH_ID}`],
    ['get', '/v1/audit-events'],
  ];
  const CREDENTIALS: Array<[string, Headers]> = [
    ['no credentials', {}],
    ['a garbage bearer token', { Authorization: 'Bearer not-a-token' }],
    ['an unknown API key', { 'X-API-Key': 'berth_AAAAAAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['a Basic authorization header', { Authorization: 'Basic dXNlcjpwYXNz' }],
  ];
  const cases = ROUTES.flatMap(([method, path]) => CREDENTIALS.map(([what, headers]) => [method.toUpperCase(), path, what, headers] as const));

  it.each(cases)('%s %s with %s → 401', async (method, path, _what, headers) => {
    const res = await api()
      [method.toLowerCase() as 'get'](path)
      .set(headers)
      .send(method === 'GET' || method === 'DELETE' ? undefined : {});
    expectErrorShape(res, 401);
    expect(res.body.error).toBe('Unauthorized');
  });
});

describe("role matrix: each role's allowed and denied actions", () => {
  interface Ctx {
    t: TenantFixture;
  }
  interface Case {
    name: string;
    /** Destructive on the tenant itself: run against a tenant made for this one test. */
    fresh?: boolean;
    expected: Record<Role, number>;
    run(h: Headers, c: Ctx): Promise<Response>;
    /** Further assertions on a successful answer. */
    check?(res: Response, role: Role): void;
  }

  const every = (s: number) => Object.fromEntries(ROLES.map((r) => [r, s])) as Record<Role, number>;
  const adminOnly = (s: number) => ({ ...every(403), admin: s });
  const tenantRead = (s: number) => ({ ...every(s), outsider: 404 });
  const ownerWrite = (s: number) => ({ ...every(403), owner: s, ownerKey: s, admin: s, outsider: 404 });
  const adminTenantWrite = (s: number) => ({ ...every(403), admin: s, outsider: 404 });

  const asAdmin = () => bearer(admin);
  const newCluster = async () => {
    const name = uniqueName('c');
    await api().post('/v1/clusters').set(asAdmin()).send({ name }).expect(201);
    return name;
  };
  const newTier = async () => {
    const name = uniqueName('tier');
    await api()
      .post('/v1/quota-tiers')
      .set(asAdmin())
      .send({ name, resources: { pods: '10' } })
      .expect(201);
    return name;
  };

  const CASES: Case[] = [
    { name: 'GET /v1/me', expected: every(200), run: (h) => api().get('/v1/me').set(h) },
    // clusters: read by everyone signed in, written by admins
    { name: 'GET /v1/clusters', expected: every(200), run: (h) => api().get('/v1/clusters').set(h) },
    { name: 'GET /v1/clusters/{name}', expected: every(200), run: (h) => api().get(`/v1/clusters/${cluster}`).set(h) },
    {
      name: 'POST /v1/clusters',
      expected: adminOnly(201),
      run: (h) =>
        api()
          .post('/v1/clusters')
          .set(h)
          .send({ name: uniqueName('c') }),
    },
    { name: 'PATCH /v1/clusters/{name}', expected: adminOnly(200), run: (h) => api().patch(`/v1/clusters/${cluster}`).set(h).send({ displayName: 'x' }) },
    {
      name: 'DELETE /v1/clusters/{name}',
      expected: adminOnly(204),
      run: async (h) =>
        api()
          .delete(`/v1/clusters/${await newCluster()}`)
          .set(h),
    },
    // quota tiers: same
    { name: 'GET /v1/quota-tiers', expected: every(200), run: (h) => api().get('/v1/quota-tiers').set(h) },
    { name: 'GET /v1/quota-tiers/{name}', expected: every(200), run: (h) => api().get(`/v1/quota-tiers/${tier}`).set(h) },
    {
      name: 'POST /v1/quota-tiers',
      expected: adminOnly(201),
      run: (h) =>
        api()
          .post('/v1/quota-tiers')
          .set(h)
          .send({ name: uniqueName('tier'), resources: { pods: '5' } }),
    },
    { name: 'PATCH /v1/quota-tiers/{name}', expected: adminOnly(200), run: (h) => api().patch(`/v1/quota-tiers/${tier}`).set(h).send({ displayName: 'x' }) },
    {
      name: 'DELETE /v1/quota-tiers/{name}',
      expected: adminOnly(204),
      run: async (h) =>
        api()
          .delete(`/v1/quota-tiers/${await newTier()}`)
          .set(h),
    },
    // tenants
    { name: 'GET /v1/tenants', expected: every(200), run: (h) => api().get('/v1/tenants').set(h) },
    { name: 'POST /v1/tenants', expected: adminOnly(201), run: (h) => api().post('/v1/tenants').set(h).send({ name: uniqueName() }) },
    { name: 'GET /v1/tenants/{t}', expected: tenantRead(200), run: (h, { t }) => api().get(`/v1/tenants/${t.name}`).set(h) },
    {
      name: 'PATCH /v1/tenants/{t} displayName',
      expected: ownerWrite(200),
      run: (h, { t }) => api().patch(`/v1/tenants/${t.name}`).set(h).send({ displayName: 'Renamed' }),
    },
    {
      name: 'PATCH /v1/tenants/{t} labels',
      expected: ownerWrite(200),
      run: (h, { t }) =>
        api()
          .patch(`/v1/tenants/${t.name}`)
          .set(h)
          .send({ labels: { team: 'x' } }),
    },
    { name: 'PATCH /v1/tenants/{t} with an empty body', expected: ownerWrite(200), run: (h, { t }) => api().patch(`/v1/tenants/${t.name}`).set(h).send({}) },
    {
      name: 'PATCH /v1/tenants/{t} budget',
      expected: adminTenantWrite(200),
      run: (h, { t }) =>
        api()
          .patch(`/v1/tenants/${t.name}`)
          .set(h)
          .send({ budget: { 'requests.cpu': '64', namespaces: 50 } }),
    },
    {
      name: 'PATCH /v1/tenants/{t} allowedClusters',
      expected: adminTenantWrite(200),
      run: (h, { t }) =>
        api()
          .patch(`/v1/tenants/${t.name}`)
          .set(h)
          .send({ allowedClusters: [cluster] }),
    },
    {
      name: 'PATCH /v1/tenants/{t} allowedTiers',
      expected: adminTenantWrite(200),
      run: (h, { t }) =>
        api()
          .patch(`/v1/tenants/${t.name}`)
          .set(h)
          .send({ allowedTiers: [tier] }),
    },
    {
      name: 'PATCH /v1/tenants/{t} displayName and budget together',
      expected: adminTenantWrite(200),
      run: (h, { t }) =>
        api()
          .patch(`/v1/tenants/${t.name}`)
          .set(h)
          .send({ displayName: 'x', budget: { namespaces: 1 } }),
    },
    { name: 'DELETE /v1/tenants/{t}', fresh: true, expected: adminTenantWrite(204), run: (h, { t }) => api().delete(`/v1/tenants/${t.name}`).set(h) },
    // members
    { name: 'GET /v1/tenants/{t}/members', expected: tenantRead(200), run: (h, { t }) => api().get(`/v1/tenants/${t.name}/members`).set(h) },
    {
      name: 'POST /v1/tenants/{t}/members',
      expected: ownerWrite(201),
      run: (h, { t }) =>
        api()
          .post(`/v1/tenants/${t.name}/members`)
          .set(h)
          .send({ subject: { kind: 'User', name: uniqueName('u') }, role: 'viewer' }),
    },
    {
      name: 'DELETE /v1/tenants/{t}/members/{id}',
      expected: ownerWrite(204),
      run: async (h, { t }) => {
        const m = await api()
          .post(`/v1/tenants/${t.name}/members`)
          .set(asAdmin())
          .send({ subject: { kind: 'Group', name: uniqueName('g') }, role: 'developer' })
          .expect(201);
        return api().delete(`/v1/tenants/${t.name}/members/${m.body.id}`).set(h);
      },
    },
    // tenant API keys
    { name: 'GET /v1/tenants/{t}/api-keys', expected: ownerWrite(200), run: (h, { t }) => api().get(`/v1/tenants/${t.name}/api-keys`).set(h) },
    {
      name: 'POST /v1/tenants/{t}/api-keys',
      expected: ownerWrite(201),
      run: (h, { t }) => api().post(`/v1/tenants/${t.name}/api-keys`).set(h).send({ name: 'ci', role: 'developer' }),
    },
    {
      name: 'DELETE /v1/tenants/{t}/api-keys/{id}',
      expected: ownerWrite(204),
      run: async (h, { t }) => {
        const k = await api().post(`/v1/tenants/${t.name}/api-keys`).set(asAdmin()).send({ name: 'doomed', role: 'viewer' }).expect(201);
        return api().delete(`/v1/tenants/${t.name}/api-keys/${k.body.id}`).set(h);
      },
    },
    // global (admin) API keys
    { name: 'GET /v1/api-keys', expected: adminOnly(200), run: (h) => api().get('/v1/api-keys').set(h) },
    { name: 'POST /v1/api-keys', expected: adminOnly(201), run: (h) => api().post('/v1/api-keys').set(h).send({ name: 'automation' }) },
    {
      name: 'DELETE /v1/api-keys/{id}',
      expected: adminOnly(204),
      run: async (h) => {
        const k = await api().post('/v1/api-keys').set(asAdmin()).send({ name: 'doomed' }).expect(201);
        return api().delete(`/v1/api-keys/${k.body.id}`).set(h);
      },
    },
    // audit
    {
      // Everyone may list; the list holds only the events of tenants the caller owns (none for viewers).
      name: 'GET /v1/audit-events',
      expected: every(200),
      run: (h) => api().get('/v1/audit-events?limit=500').set(h),
      check: (res, role) => {
        const seen = (res.body.items as Array<{ tenant: string | null }>).length;
        if (['owner', 'ownerKey', 'admin'].includes(role)) expect(seen).toBeGreaterThan(0);
        else expect(seen).toBe(0);
      },
    },
    { name: 'GET /v1/audit-events?tenant={t}', expected: ownerWrite(200), run: (h, { t }) => api().get(`/v1/audit-events?tenant=${t.name}`).set(h) },
  ];

  let shared: TenantFixture;
  beforeAll(async () => {
    shared = await newTenant(api());
  });

  const table = CASES.flatMap((c) => ROLES.map((role) => [c.name, role, c.expected[role], c] as const));

  it.each(table)('%s as %s → %d', async (_name, role, status, c) => {
    const t = c.fresh ? await newTenant(api()) : shared;
    const res = await c.run(await headersFor(role, t), { t });
    expect({ status: res.status, body: res.status >= 400 ? res.body : undefined }).toMatchObject({ status });
    if (status >= 400) expectErrorShape(res, status);
    else c.check?.(res, role);
  });

  it("an owner's refused budget change leaves the tenant unchanged", async () => {
    const t = await newTenant(api(), { budget: { 'requests.cpu': '4', namespaces: 2 } });
    const before = (await api().get(`/v1/tenants/${t.name}`).set(bearer(admin)).expect(200)).body;
    await api()
      .patch(`/v1/tenants/${t.name}`)
      .set(bearer(t.owner))
      .send({ displayName: 'Mine', budget: { 'requests.cpu': '400' } })
      .expect(403);
    const after = (await api().get(`/v1/tenants/${t.name}`).set(bearer(admin)).expect(200)).body;
    expect(after).toEqual(before);
  });

  it('the last owner of a tenant cannot be removed (409)', async () => {
    const t = await newTenant(api());
    const members = (await api().get(`/v1/tenants/${t.name}/members`).set(bearer(t.owner)).expect(200)).body.items as Array<{ id: string; role: string }>;
    const owner = members.find((m) => m.role === 'owner')!;
    expectErrorShape(await api().delete(`/v1/tenants/${t.name}/members/${owner.id}`).set(bearer(t.owner)), 409);
  });
});

describe('cross-tenant isolation: members of A calling tenant B', () => {
  let a: TenantFixture;
  let b: TenantFixture;
  let bOwnerMemberId: string;
  let bKeyId: string;

  const CALLERS: Array<[string, (a: TenantFixture) => Promise<Headers>]> = [
    ['A viewer', async (t) => bearer(t.viewer)],
    ['A developer', async (t) => bearer(t.developer)],
    ['A owner', async (t) => bearer(t.owner)],
    ['an A owner API key', async (t) => headersFor('ownerKey', t)],
    ['an A viewer API key', async (t) => headersFor('viewerKey', t)],
  ];
  const ROUTES: Array<[string, (h: Headers) => Promise<Response>]> = [
    ['GET tenant', (h) => api().get(`/v1/tenants/${b.name}`).set(h)],
    ['PATCH tenant displayName', (h) => api().patch(`/v1/tenants/${b.name}`).set(h).send({ displayName: 'pwned' })],
    [
      'PATCH tenant budget',
      (h) =>
        api()
          .patch(`/v1/tenants/${b.name}`)
          .set(h)
          .send({ budget: { namespaces: 999 } }),
    ],
    [
      'PATCH tenant with If-Match',
      (h) =>
        api()
          .patch(`/v1/tenants/${b.name}`)
          .set(h)
          .set('If-Match', '"1"')
          .send({ labels: { x: 'y' } }),
    ],
    ['DELETE tenant', (h) => api().delete(`/v1/tenants/${b.name}`).set(h)],
    ['list members', (h) => api().get(`/v1/tenants/${b.name}/members`).set(h)],
    [
      'add member',
      (h) =>
        api()
          .post(`/v1/tenants/${b.name}/members`)
          .set(h)
          .send({ subject: { kind: 'User', name: 'mallory' }, role: 'owner' }),
    ],
    ['remove member', (h) => api().delete(`/v1/tenants/${b.name}/members/${bOwnerMemberId}`).set(h)],
    ['list api-keys', (h) => api().get(`/v1/tenants/${b.name}/api-keys`).set(h)],
    ['create api-key', (h) => api().post(`/v1/tenants/${b.name}/api-keys`).set(h).send({ name: 'mallory', role: 'owner' })],
    ['revoke api-key', (h) => api().delete(`/v1/tenants/${b.name}/api-keys/${bKeyId}`).set(h)],
    ['audit-events?tenant=B', (h) => api().get(`/v1/audit-events?tenant=${b.name}`).set(h)],
    [
      'request a namespace in B',
      (h) =>
        api()
          .post(`/v1/tenants/${b.name}/namespace-requests`)
          .set(h)
          .send({ name: `${b.name}-evil`, cluster: bWorld.cluster, tier: bWorld.small }),
    ],
    [
      'dry-run a namespace in B',
      (h) =>
        api()
          .post(`/v1/tenants/${b.name}/namespace-requests?dryRun=true`)
          .set(h)
          .send({ name: `${b.name}-evil`, cluster: bWorld.cluster, tier: bWorld.small }),
    ],
    ['list B requests', (h) => api().get(`/v1/tenants/${b.name}/namespace-requests`).set(h)],
    ['GET a B request', (h) => api().get(`/v1/namespace-requests/${bWorld.pendingId}`).set(h)],
    ['cancel a B request', (h) => api().post(`/v1/namespace-requests/${bWorld.pendingId}/cancel`).set(h).send({})],
    ['list B namespaces', (h) => api().get(`/v1/tenants/${b.name}/namespaces`).set(h)],
    ['GET a B namespace', (h) => api().get(`/v1/tenants/${b.name}/namespaces/${bWorld.namespace}`).set(h)],
    [
      'PATCH a B namespace',
      (h) =>
        api()
          .patch(`/v1/tenants/${b.name}/namespaces/${bWorld.namespace}`)
          .set(h)
          .send({ labels: { pwned: 'yes' } }),
    ],
    ['DELETE a B namespace', (h) => api().delete(`/v1/tenants/${b.name}/namespaces/${bWorld.namespace}`).set(h)],
    ['B usage', (h) => api().get(`/v1/tenants/${b.name}/usage`).set(h)],
    ['list B previews', (h) => api().get(`/v1/tenants/${b.name}/previews`).set(h)],
    [
      'create a B preview',
      (h) =>
        api()
          .post(`/v1/tenants/${b.name}/previews`)
          .set(h)
          .send({ repository: 'org/app', pullRequest: 7, headSha: 'abcdef1', tier: bWorld.small, cluster: bWorld.cluster }),
    ],
    ['delete a B preview', (h) => api().delete(`/v1/tenants/${b.name}/previews/7`).set(h)],
  ];
  /** Admin-only actions on B's request: refused before anything is looked up (403), and B is unchanged. */
  const ADMIN_ROUTES: Array<[string, (h: Headers) => Promise<Response>]> = [
    ['approve a B request', (h) => api().post(`/v1/namespace-requests/${bWorld.pendingId}/approve`).set(h).send({})],
    ['reject a B request', (h) => api().post(`/v1/namespace-requests/${bWorld.pendingId}/reject`).set(h).send({ comment: 'no' })],
  ];
  const bWorld = { cluster: '', small: '', namespace: '', pendingId: '' };

  /** B as a platform admin sees it: the tenant, its members and its keys. */
  async function snapshotB() {
    const h = bearer(admin);
    const tenant = (await api().get(`/v1/tenants/${b.name}`).set(h).expect(200)).body;
    const members = (await api().get(`/v1/tenants/${b.name}/members?limit=500`).set(h).expect(200)).body.items;
    const keys = (await api().get(`/v1/tenants/${b.name}/api-keys?limit=500`).set(h).expect(200)).body.items;
    const namespaces = (await api().get(`/v1/tenants/${b.name}/namespaces?limit=500`).set(h).expect(200)).body.items;
    const requests = (await api().get(`/v1/tenants/${b.name}/namespace-requests?limit=500`).set(h).expect(200)).body.items;
    const previews = (await api().get(`/v1/tenants/${b.name}/previews?limit=500`).set(h).expect(200)).body.items;
    return { tenant, members, keys, namespaces, requests, previews };
  }

  beforeAll(async () => {
    a = await newTenant(api());
    b = await newTenant(api());
    const members = (await api().get(`/v1/tenants/${b.name}/members`).set(bearer(admin)).expect(200)).body.items as Array<{ id: string; role: string }>;
    bOwnerMemberId = members.find((m) => m.role === 'owner')!.id;
    // A second owner, so that "remove member" would succeed if the isolation failed.
    await api()
      .post(`/v1/tenants/${b.name}/members`)
      .set(bearer(admin))
      .send({ subject: { kind: 'User', name: 'second-owner' }, role: 'owner' })
      .expect(201);
    bKeyId = (await api().post(`/v1/tenants/${b.name}/api-keys`).set(bearer(admin)).send({ name: 'b-key', role: 'owner' }).expect(201)).body.id;
    // B's namespaces and requests: one approved namespace and one request pending approval.
    bWorld.cluster = uniqueName('c');
    bWorld.small = uniqueName('small');
    const gated = uniqueName('gated');
    await api().post('/v1/clusters').set(bearer(admin)).send({ name: bWorld.cluster }).expect(201);
    await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: bWorld.small, resources: { 'requests.cpu': '1' } })
      .expect(201);
    await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: gated, resources: { 'requests.cpu': '1' }, autoApprove: false })
      .expect(201);
    for (const t of [a, b]) {
      await api()
        .patch(`/v1/tenants/${t.name}`)
        .set(bearer(admin))
        .send({ allowedClusters: [bWorld.cluster], allowedTiers: [bWorld.small, gated], budget: { 'requests.cpu': '10' } })
        .expect(200);
    }
    bWorld.namespace = `${b.name}-web`;
    await api()
      .post(`/v1/tenants/${b.name}/namespace-requests`)
      .set(bearer(b.developer))
      .send({ name: bWorld.namespace, cluster: bWorld.cluster, tier: bWorld.small })
      .expect(201);
    bWorld.pendingId = (
      await api()
        .post(`/v1/tenants/${b.name}/namespace-requests`)
        .set(bearer(b.developer))
        .send({ name: `${b.name}-gated`, cluster: bWorld.cluster, tier: gated })
        .expect(201)
    ).body.id;
  });

  const table = CALLERS.flatMap(([who, headers]) => ROUTES.map(([route, call]) => [who, route, headers, call] as const));

  it.each(table)('%s: %s → 404 and B is unchanged', async (_who, _route, headers, call) => {
    const before = await snapshotB();
    const res = await call(await headers(a));
    expectErrorShape(res, 404);
    expect(await snapshotB()).toEqual(before);
  });

  const adminTable = CALLERS.flatMap(([who, headers]) => ADMIN_ROUTES.map(([route, call]) => [who, route, headers, call] as const));

  it.each(adminTable)('%s: %s → 403 and B is unchanged', async (_who, _route, headers, call) => {
    const before = await snapshotB();
    expectErrorShape(await call(await headers(a)), 403);
    expect(await snapshotB()).toEqual(before);
  });

  it.each(CALLERS)("%s: GET /v1/namespace-requests never lists B's requests", async (_who, headers) => {
    const res = await api()
      .get('/v1/namespace-requests?limit=500')
      .set(await headers(a))
      .expect(200);
    expect((res.body.items as Array<{ tenant: string }>).map((r) => r.tenant)).not.toContain(b.name);
  });

  it.each(CALLERS)('%s: GET /v1/tenants lists A and never B', async (_who, headers) => {
    const res = await api()
      .get('/v1/tenants?limit=500')
      .set(await headers(a))
      .expect(200);
    const names = (res.body.items as Array<{ name: string }>).map((t) => t.name);
    expect(names).toContain(a.name);
    expect(names).not.toContain(b.name);
  });

  it.each(CALLERS.filter(([who]) => who.includes('owner')))("%s: GET /v1/audit-events shows A's events and never B's", async (_who, headers) => {
    const bEvents = (await api().get(`/v1/audit-events?tenant=${b.name}&limit=500`).set(bearer(admin)).expect(200)).body.items;
    expect(bEvents.length).toBeGreaterThan(0);
    const res = await api()
      .get('/v1/audit-events?limit=500')
      .set(await headers(a))
      .expect(200);
    const tenants = new Set((res.body.items as Array<{ tenant: string | null }>).map((e) => e.tenant));
    expect(tenants.has(a.name)).toBe(true);
    expect([...tenants]).toEqual([a.name]);
  });
});
