import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { http, startApp } from './helpers/app';
import { auditEventsFor } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, catalogue, newTenant, TenantFixture, uniqueName } from './helpers/fixtures';
import { allPages } from './helpers/pages';
import { adminToken } from './helpers/tokens';

let app: NestFastifyApplication;
const api = () => http(app);
const adminSub = `admin-${uniqueName()}`;
let admin: Record<string, string>;
let cluster: string;
let tier: string;

beforeAll(async () => {
  app = await startApp();
  admin = bearer(await adminToken(adminSub));
  ({ cluster, tier } = await catalogue(api()));
});
afterAll(async () => {
  await app.close();
});

const newCluster = async () =>
  (
    await api()
      .post('/v1/clusters')
      .set(admin)
      .send({ name: uniqueName('c') })
      .expect(201)
  ).body.name as string;
const newTier = async () =>
  (
    await api()
      .post('/v1/quota-tiers')
      .set(admin)
      .send({ name: uniqueName('q'), resources: { pods: '5' } })
      .expect(201)
  ).body.name as string;

describe('ETag and If-Match', () => {
  interface Resource {
    kind: string;
    create(): Promise<string>;
    path(name: string): string;
    patch: Record<string, unknown>;
    field: string;
  }
  const RESOURCES: Resource[] = [
    { kind: 'cluster', create: newCluster, path: (n) => `/v1/clusters/${n}`, patch: { displayName: 'Changed' }, field: 'displayName' },
    { kind: 'quota tier', create: newTier, path: (n) => `/v1/quota-tiers/${n}`, patch: { resources: { pods: '9' } }, field: 'resources' },
    { kind: 'tenant', create: async () => (await newTenant(api())).name, path: (n) => `/v1/tenants/${n}`, patch: { labels: { team: 'b' } }, field: 'labels' },
  ];
  const read = async (r: Resource, name: string) => api().get(r.path(name)).set(admin).expect(200);

  it.each(RESOURCES.map((r) => [r.kind, r] as const))('%s: GET carries the version as ETag; PATCH with it → 200 and a new ETag', async (_k, r) => {
    const name = await r.create();
    const first = await read(r, name);
    expect(first.headers.etag).toBe(`"${first.body.version}"`);
    const res = await api().patch(r.path(name)).set(admin).set('If-Match', first.headers.etag).send(r.patch).expect(200);
    expect(res.body.version).toBe(first.body.version + 1);
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
    expect(res.body[r.field]).toEqual(r.patch[r.field]);
    expect((await read(r, name)).headers.etag).toBe(res.headers.etag);
  });

  it.each(RESOURCES.map((r) => [r.kind, r] as const))('%s: PATCH with a stale If-Match → 412, value and version unchanged', async (_k, r) => {
    const name = await r.create();
    const stale = (await read(r, name)).headers.etag;
    await api()
      .patch(r.path(name))
      .set(admin)
      .send({ ...r.patch })
      .expect(200); // someone else's change
    const current = (await read(r, name)).body;
    const res = await api()
      .patch(r.path(name))
      .set(admin)
      .set('If-Match', stale)
      .send({ [r.field]: r.kind === 'quota tier' ? { pods: '1' } : r.kind === 'tenant' ? { team: 'z' } : 'Stale' });
    expectErrorShape(res, 412);
    expect(res.body.details[0]).toMatchObject({ field: 'If-Match' });
    expect((await read(r, name)).body).toEqual(current);
  });

  it.each(RESOURCES.map((r) => [r.kind, r] as const))(
    '%s: DELETE with a stale If-Match → 412 and it still exists; with the current one → 204',
    async (_k, r) => {
      const name = await r.create();
      const stale = (await read(r, name)).headers.etag;
      await api().patch(r.path(name)).set(admin).send(r.patch).expect(200);
      expectErrorShape(await api().delete(r.path(name)).set(admin).set('If-Match', stale), 412);
      const current = await read(r, name);
      await api().delete(r.path(name)).set(admin).set('If-Match', current.headers.etag).expect(204);
      expectErrorShape(await api().get(r.path(name)).set(admin), 404);
    },
  );

  it('refuses a weak ETag (strong comparison) and accepts `*`', async () => {
    const name = await newCluster();
    expectErrorShape(await api().patch(`/v1/clusters/${name}`).set(admin).set('If-Match', 'W/"1"').send({ displayName: 'a' }), 412);
    await api().patch(`/v1/clusters/${name}`).set(admin).set('If-Match', '*').send({ displayName: 'b' }).expect(200);
  });

  it('of two concurrent PATCHes with the same If-Match exactly one wins', async () => {
    const t = await newTenant(api());
    const etag = (await api().get(`/v1/tenants/${t.name}`).set(admin).expect(200)).headers.etag;
    const results = await Promise.all(
      ['one', 'two', 'three', 'four'].map((v) => api().patch(`/v1/tenants/${t.name}`).set(admin).set('If-Match', etag).send({ displayName: v })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412]);
    const winner = results.find((r) => r.status === 200)!;
    const now = (await api().get(`/v1/tenants/${t.name}`).set(admin).expect(200)).body;
    expect(now).toMatchObject({ displayName: winner.body.displayName, version: Number(etag.replace(/"/g, '')) + 1 });
  });

  it("of two concurrent removals of a tenant's last two owners exactly one succeeds", async () => {
    const t = await newTenant(api());
    await api()
      .post(`/v1/tenants/${t.name}/members`)
      .set(admin)
      .send({ subject: { kind: 'User', name: 'second' }, role: 'owner' })
      .expect(201);
    const owners = ((await api().get(`/v1/tenants/${t.name}/members`).set(admin).expect(200)).body.items as Array<{ id: string; role: string }>).filter(
      (m) => m.role === 'owner',
    );
    expect(owners).toHaveLength(2);
    const results = await Promise.all(owners.map((o) => api().delete(`/v1/tenants/${t.name}/members/${o.id}`).set(admin)));
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    const left = (await api().get(`/v1/tenants/${t.name}/members`).set(admin).expect(200)).body.items.filter((m: { role: string }) => m.role === 'owner');
    expect(left).toHaveLength(1);
  });
});

describe('audit trail', () => {
  interface Change {
    action: string;
    status: number;
    targetType: string;
    /** Prepares what the change needs and returns the change itself (sent with the request id). */
    prepare(): Promise<{ send(rid: string): Promise<Response>; targetId?: string; tenant?: string }>;
  }
  const withRid = (rid: string) => ({ ...admin, 'x-request-id': rid });

  const CHANGES: Change[] = [
    {
      action: 'cluster.create',
      status: 201,
      targetType: 'Cluster',
      prepare: async () => {
        const name = uniqueName('c');
        return { targetId: name, send: (rid) => api().post('/v1/clusters').set(withRid(rid)).send({ name }) };
      },
    },
    {
      action: 'cluster.update',
      status: 200,
      targetType: 'Cluster',
      prepare: async () => {
        const name = await newCluster();
        return {
          targetId: name,
          send: (rid) =>
            api()
              .patch(`/v1/clusters/${name}`)
              .set(withRid(rid))
              .send({ labels: { a: 'b' } }),
        };
      },
    },
    {
      action: 'cluster.delete',
      status: 204,
      targetType: 'Cluster',
      prepare: async () => {
        const name = await newCluster();
        return { targetId: name, send: (rid) => api().delete(`/v1/clusters/${name}`).set(withRid(rid)) };
      },
    },
    {
      action: 'quota-tier.create',
      status: 201,
      targetType: 'QuotaTier',
      prepare: async () => {
        const name = uniqueName('q');
        return {
          targetId: name,
          send: (rid) =>
            api()
              .post('/v1/quota-tiers')
              .set(withRid(rid))
              .send({ name, resources: { pods: '1' } }),
        };
      },
    },
    {
      action: 'quota-tier.update',
      status: 200,
      targetType: 'QuotaTier',
      prepare: async () => {
        const name = await newTier();
        return { targetId: name, send: (rid) => api().patch(`/v1/quota-tiers/${name}`).set(withRid(rid)).send({ autoApprove: false }) };
      },
    },
    {
      action: 'quota-tier.delete',
      status: 204,
      targetType: 'QuotaTier',
      prepare: async () => {
        const name = await newTier();
        return { targetId: name, send: (rid) => api().delete(`/v1/quota-tiers/${name}`).set(withRid(rid)) };
      },
    },
    {
      action: 'tenant.create',
      status: 201,
      targetType: 'Tenant',
      prepare: async () => {
        const name = uniqueName();
        return {
          targetId: name,
          tenant: name,
          send: (rid) =>
            api()
              .post('/v1/tenants')
              .set(withRid(rid))
              .send({ name, allowedClusters: [cluster], allowedTiers: [tier], owners: [{ kind: 'Group', name: 'g' }] }),
        };
      },
    },
    {
      action: 'tenant.update',
      status: 200,
      targetType: 'Tenant',
      prepare: async () => {
        const t = await newTenant(api());
        return {
          targetId: t.name,
          tenant: t.name,
          send: (rid) =>
            api()
              .patch(`/v1/tenants/${t.name}`)
              .set(withRid(rid))
              .send({ budget: { namespaces: 3 } }),
        };
      },
    },
    {
      action: 'tenant.delete',
      status: 204,
      targetType: 'Tenant',
      prepare: async () => {
        const t = await newTenant(api());
        return { targetId: t.name, send: (rid) => api().delete(`/v1/tenants/${t.name}`).set(withRid(rid)) };
      },
    },
    {
      action: 'member.add',
      status: 201,
      targetType: 'Membership',
      prepare: async () => {
        const t = await newTenant(api());
        return {
          targetId: 'Group:newcomers',
          tenant: t.name,
          send: (rid) =>
            api()
              .post(`/v1/tenants/${t.name}/members`)
              .set(withRid(rid))
              .send({ subject: { kind: 'Group', name: 'newcomers' }, role: 'developer' }),
        };
      },
    },
    {
      action: 'member.remove',
      status: 204,
      targetType: 'Membership',
      prepare: async () => {
        const t = await newTenant(api());
        const m = (await api().get(`/v1/tenants/${t.name}/members`).set(admin).expect(200)).body.items.find((x: { role: string }) => x.role === 'viewer');
        return { targetId: `User:viewer-${t.name}`, tenant: t.name, send: (rid) => api().delete(`/v1/tenants/${t.name}/members/${m.id}`).set(withRid(rid)) };
      },
    },
    {
      action: 'api-key.create',
      status: 201,
      targetType: 'ApiKey',
      prepare: async () => {
        const t = await newTenant(api());
        return { tenant: t.name, send: (rid) => api().post(`/v1/tenants/${t.name}/api-keys`).set(withRid(rid)).send({ name: 'ci', role: 'viewer' }) };
      },
    },
    {
      action: 'api-key.revoke',
      status: 204,
      targetType: 'ApiKey',
      prepare: async () => {
        const t = await newTenant(api());
        const k = (await api().post(`/v1/tenants/${t.name}/api-keys`).set(admin).send({ name: 'ci', role: 'viewer' }).expect(201)).body;
        return { targetId: k.id, tenant: t.name, send: (rid) => api().delete(`/v1/tenants/${t.name}/api-keys/${k.id}`).set(withRid(rid)) };
      },
    },
    {
      action: 'api-key.create',
      status: 201,
      targetType: 'ApiKey',
      prepare: async () => ({ send: (rid) => api().post('/v1/api-keys').set(withRid(rid)).send({ name: 'global' }) }),
    },
  ];

  it.each(CHANGES.map((c) => [c.action, c.status, c] as const))(
    '%s (%d) writes exactly one audit event with actor, target and request id',
    async (_a, status, c) => {
      const change = await c.prepare();
      const rid = `rid-${randomUUID()}`;
      const res = await change.send(rid);
      expect(res.status).toBe(status);
      expect(res.headers['x-request-id']).toBe(rid);
      const events = await auditEventsFor(rid);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: `user:${adminSub}`, action: c.action, targetType: c.targetType, requestId: rid });
      expect(events[0].targetId).toBe(change.targetId ?? res.body.id);
      // The API shows the same event, with its tenant when it has one.
      const path = change.tenant ? `/v1/audit-events?tenant=${change.tenant}&limit=500` : '/v1/audit-events?limit=500';
      const listed = (await api().get(path).set(admin).expect(200)).body.items.filter((e: { requestId: string }) => e.requestId === rid);
      expect(listed).toEqual([expect.objectContaining({ action: c.action, actor: `user:${adminSub}`, tenant: change.tenant ?? null })]);
    },
  );

  const FAILURES: Array<[string, number, (rid: string) => Promise<Response>]> = [
    ['a duplicate cluster name', 409, (rid) => api().post('/v1/clusters').set(withRid(rid)).send({ name: cluster })],
    [
      'a duplicate quota tier name',
      409,
      (rid) =>
        api()
          .post('/v1/quota-tiers')
          .set(withRid(rid))
          .send({ name: tier, resources: { pods: '1' } }),
    ],
    [
      'a duplicate tenant name',
      409,
      async (rid) => {
        const t = await newTenant(api());
        return api().post('/v1/tenants').set(withRid(rid)).send({ name: t.name });
      },
    ],
    [
      'a duplicate member',
      409,
      async (rid) => {
        const t = await newTenant(api());
        return api()
          .post(`/v1/tenants/${t.name}/members`)
          .set(withRid(rid))
          .send({ subject: { kind: 'User', name: t.ownerSub }, role: 'viewer' });
      },
    ],
    [
      'a stale If-Match on PATCH',
      412,
      async (rid) => {
        const name = await newCluster();
        await api().patch(`/v1/clusters/${name}`).set(admin).send({ displayName: 'x' }).expect(200);
        return api().patch(`/v1/clusters/${name}`).set(withRid(rid)).set('If-Match', '"1"').send({ displayName: 'y' });
      },
    ],
    [
      'a stale If-Match on DELETE',
      412,
      async (rid) => {
        const t = await newTenant(api());
        await api().patch(`/v1/tenants/${t.name}`).set(admin).send({ displayName: 'x' }).expect(200);
        return api().delete(`/v1/tenants/${t.name}`).set(withRid(rid)).set('If-Match', '"1"');
      },
    ],
    [
      'removing the last owner',
      409,
      async (rid) => {
        const t = await newTenant(api());
        const owner = (await api().get(`/v1/tenants/${t.name}/members`).set(admin).expect(200)).body.items.find((m: { role: string }) => m.role === 'owner');
        return api().delete(`/v1/tenants/${t.name}/members/${owner.id}`).set(withRid(rid));
      },
    ],
    [
      'an owner changing their budget',
      403,
      async (rid) => {
        const t = await newTenant(api());
        return api()
          .patch(`/v1/tenants/${t.name}`)
          .set({ ...bearer(t.owner), 'x-request-id': rid })
          .send({ budget: { namespaces: 100 } });
      },
    ],
    [
      'an unknown cluster in allowedClusters',
      422,
      (rid) =>
        api()
          .post('/v1/tenants')
          .set(withRid(rid))
          .send({ name: uniqueName(), allowedClusters: ['no-such-cluster'] }),
    ],
    ['invalid input', 400, (rid) => api().post('/v1/clusters').set(withRid(rid)).send({ name: 'Bad Name' })],
  ];

  it.each(FAILURES)('%s (%d) leaves no audit event', async (_what, status, send) => {
    const rid = `rid-${randomUUID()}`;
    const res = await send(rid);
    expectErrorShape(res, status);
    expect(res.body.requestId).toBe(rid);
    expect(await auditEventsFor(rid)).toEqual([]);
  });

  describe("owners read their tenant's trail", () => {
    let a: TenantFixture;
    let b: TenantFixture;
    beforeAll(async () => {
      a = await newTenant(api());
      b = await newTenant(api());
      await api().patch(`/v1/tenants/${a.name}`).set(bearer(a.owner)).send({ displayName: 'A' }).expect(200);
    });

    it("GET /v1/audit-events?tenant=A shows A's changes, including the owner's own", async () => {
      const items = (await api().get(`/v1/audit-events?tenant=${a.name}&limit=500`).set(bearer(a.owner)).expect(200)).body.items as Array<{
        tenant: string;
        action: string;
        actor: string;
      }>;
      expect(items.every((e) => e.tenant === a.name)).toBe(true);
      expect(items.map((e) => e.action)).toEqual(expect.arrayContaining(['tenant.create', 'member.add', 'tenant.update']));
      expect(items.find((e) => e.action === 'tenant.update')!.actor).toBe(`user:${a.ownerSub}`);
    });

    it("GET /v1/audit-events?tenant=B is a 404 for A's owner", async () => {
      expectErrorShape(await api().get(`/v1/audit-events?tenant=${b.name}`).set(bearer(a.owner)), 404);
    });

    it("GET /v1/audit-events?tenant=A is a 403 for A's viewer and developer", async () => {
      expectErrorShape(await api().get(`/v1/audit-events?tenant=${a.name}`).set(bearer(a.viewer)), 403);
      expectErrorShape(await api().get(`/v1/audit-events?tenant=${a.name}`).set(bearer(a.developer)), 403);
    });

    it('since/until narrow the window', async () => {
      const future = new Date(Date.now() + 3600_000).toISOString();
      const none = await api()
        .get(`/v1/audit-events?tenant=${a.name}&since=${encodeURIComponent(future)}`)
        .set(bearer(a.owner))
        .expect(200);
      expect(none.body.items).toEqual([]);
      const all = await api()
        .get(`/v1/audit-events?tenant=${a.name}&until=${encodeURIComponent(future)}`)
        .set(bearer(a.owner))
        .expect(200);
      expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    });
  });
});

describe('pagination', () => {
  const names = (items: Array<{ name: string }>) => items.map((i) => i.name);
  const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);
  const expectNoDuplicates = (values: string[]) => expect(new Set(values).size).toBe(values.length);

  it('clusters: every page ≤ limit, no duplicates, no gaps, ascending by name', async () => {
    const made = await Promise.all(Array.from({ length: 7 }, () => newCluster()));
    const { items, pages } = await allPages<{ name: string }>(api, '/v1/clusters', admin, 3);
    const seen = names(items);
    expect(pages).toBeGreaterThanOrEqual(3);
    expectNoDuplicates(seen);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(made));
    const single = (await api().get('/v1/clusters?limit=500').set(admin).expect(200)).body.items;
    expect(seen).toEqual(names(single));
  });

  it('tenants (as admin): pages join up to the single-page list', async () => {
    await Promise.all(Array.from({ length: 5 }, () => newTenant(api())));
    const { items } = await allPages<{ name: string }>(api, '/v1/tenants', admin, 2);
    const single = (await api().get('/v1/tenants?limit=500').set(admin).expect(200)).body.items;
    expectNoDuplicates(names(items));
    expect(names(items)).toEqual(names(single));
  });

  it('members and api keys of a tenant: stable order across pages', async () => {
    const t = await newTenant(api());
    for (let i = 0; i < 7; i += 1) {
      await api()
        .post(`/v1/tenants/${t.name}/members`)
        .set(admin)
        .send({ subject: { kind: 'User', name: `m${i}` }, role: 'viewer' })
        .expect(201);
      await api()
        .post(`/v1/tenants/${t.name}/api-keys`)
        .set(admin)
        .send({ name: `k${i}`, role: 'viewer' })
        .expect(201);
    }
    for (const path of [`/v1/tenants/${t.name}/members`, `/v1/tenants/${t.name}/api-keys`]) {
      const { items, pages } = await allPages<{ id: string }>(api, path, bearer(t.owner), 3);
      const single = (await api().get(`${path}?limit=500`).set(bearer(t.owner)).expect(200)).body.items;
      expect(pages).toBeGreaterThanOrEqual(3);
      expectNoDuplicates(ids(items));
      expect(ids(items)).toEqual(ids(single));
      expect(items.length).toBe(path.endsWith('members') ? 10 : 7);
    }
  });

  it('audit events: newest first, pages join up to the single-page list', async () => {
    const t = await newTenant(api());
    for (let i = 0; i < 6; i += 1)
      await api()
        .patch(`/v1/tenants/${t.name}`)
        .set(admin)
        .send({ displayName: `v${i}` })
        .expect(200);
    const path = `/v1/audit-events?tenant=${t.name}`;
    const { items } = await allPages<{ id: string; at: string }>(api, path, admin, 2);
    const single = (await api().get(`${path}&limit=500`).set(admin).expect(200)).body.items;
    expect(items.length).toBe(1 + 2 + 6); // tenant.create, two member.add, six tenant.update
    expectNoDuplicates(ids(items));
    expect(ids(items)).toEqual(ids(single));
    const times = items.map((e) => new Date(e.at).getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });
});

describe('tenant isolation under load', () => {
  it('a tenant whose lock is held up does not hold up other tenants: its waiting requests wait in their own line, not on the shared pool', async () => {
    const budget = { 'requests.cpu': '1000', 'limits.memory': '4000Gi', pods: '10000', namespaces: 200 };
    const allowed = { budget, allowedClusters: [cluster], allowedTiers: [tier] };
    const [stuck, other] = await Promise.all([newTenant(api(), allowed), newTenant(api(), allowed)]);
    const create = (t: TenantFixture, name: string) =>
      api().post(`/v1/tenants/${t.name}/namespace-requests`).set(bearer(t.developer)).send({ name, cluster, tier });
    // Something slow holds the stuck tenant's row lock (here: another session) while 30 of its creates arrive.
    const holder = new Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Tenant" WHERE name = $1 FOR UPDATE', [stuck.name]);
      const waiting = Array.from({ length: 30 }, (_, i) => create(stuck, `${stuck.name}-w${i}`).then((res: Response) => res.status));
      await new Promise((r) => setTimeout(r, 300));
      // The pool has 20 connections: the 30 waiters used to take every one of them while they waited for the
      // lock, so the other tenant's create waited with them (until the lock came free or timed out).
      const started = Date.now();
      const lone = create(other, `${other.name}-lone`).then((res: Response) => ({ status: res.status, tookMs: Date.now() - started }));
      const outcome = await Promise.race([lone, new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000))]);
      await holder.query('COMMIT');
      expect(outcome).toEqual({ status: 201, tookMs: expect.any(Number) });
      expect((outcome as { tookMs: number }).tookMs).toBeLessThan(2000);
      expect(await Promise.all(waiting)).toEqual(Array(30).fill(201));
    } finally {
      await holder.end();
    }
  }, 30_000);
});
