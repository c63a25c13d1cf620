import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'supertest';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, tenantOnCatalogue, uniqueName } from './helpers/fixtures';

/**
 * Conditional writes: every PATCH and DELETE of a versioned resource honours If-Match (strong
 * comparison, `*` for "any existing version", one ETag; blank or malformed → 400), a stale tag is a
 * 412 with nothing stored, and every single-resource answer carries its ETag, 201s included.
 */
let app: NestFastifyApplication;
const api = () => http(app);
let admin: string;
let cluster: string;
let tier: string;
let tenant: string;
let developer: string;
let owner: string;

const etagOf = (res: Response) => res.headers.etag as string | undefined;
const expectEtag = (res: Response) => expect(etagOf(res)).toBe(`"${res.body.version}"`);
const requestCount = async () => Number((await sql<{ n: string }>('SELECT count(*) AS n FROM "NamespaceRequest"'))[0].n);

async function newNamespace(): Promise<{ name: string; etag: string }> {
  const name = `${tenant}-${uniqueName('n').slice(0, 8)}`;
  await api().post(`/v1/tenants/${tenant}/namespace-requests`).set(bearer(developer)).send({ name, cluster, tier }).expect(201);
  const res = await api().get(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(developer)).expect(200);
  return { name, etag: etagOf(res)! };
}

beforeAll(async () => {
  app = await startApp();
  const world = await tenantOnCatalogue(api(), { budget: { 'requests.cpu': '100', namespaces: 200 } });
  ({ admin, cluster, tier } = world);
  tenant = world.tenant.name;
  developer = world.tenant.developer;
  owner = world.tenant.owner;
});
afterAll(async () => {
  await app.close();
});

describe('ETag on every single-resource answer', () => {
  it('201 answers carry the ETag of what they created (including routes that choose their status)', async () => {
    const c = await api()
      .post('/v1/clusters')
      .set(bearer(admin))
      .send({ name: uniqueName('c') })
      .expect(201);
    expectEtag(c);
    const t = await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: uniqueName('tier'), resources: { pods: '1' } })
      .expect(201);
    expectEtag(t);
    const tn = await api().post('/v1/tenants').set(bearer(admin)).send({ name: uniqueName() }).expect(201);
    expectEtag(tn);
    const r = await api()
      .post(`/v1/tenants/${tenant}/namespace-requests`)
      .set(bearer(developer))
      .send({ name: `${tenant}-${uniqueName('e').slice(0, 8)}`, cluster, tier })
      .expect(201);
    expectEtag(r);
  });

  it('an idempotent replay carries the same ETag', async () => {
    const key = randomUUID();
    const body = { name: `${tenant}-${uniqueName('i').slice(0, 8)}`, cluster, tier };
    const first = await api().post(`/v1/tenants/${tenant}/namespace-requests`).set(bearer(developer)).set('Idempotency-Key', key).send(body).expect(201);
    const again = await api().post(`/v1/tenants/${tenant}/namespace-requests`).set(bearer(developer)).set('Idempotency-Key', key).send(body).expect(201);
    expectEtag(first);
    expect(etagOf(again)).toBe(etagOf(first));
  });

  it('GET of a namespace and of a request, and the Change (201) and Delete (202) requests carry ETags', async () => {
    const { name, etag } = await newNamespace();
    expect(etag).toMatch(/^"\d+"$/);
    const change = await api()
      .patch(`/v1/tenants/${tenant}/namespaces/${name}`)
      .set(bearer(developer))
      .send({ labels: { a: 'b' } })
      .expect(201);
    expectEtag(change);
    expectEtag(await api().get(`/v1/namespace-requests/${change.body.id}`).set(bearer(developer)).expect(200));
    const del = await api().delete(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(owner)).expect(202);
    expectEtag(del);
  });
});

describe('If-Match on namespace PATCH and DELETE', () => {
  const patch = (name: string, ifMatch?: string) => {
    const req = api().patch(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(developer));
    if (ifMatch !== undefined) req.set('If-Match', ifMatch);
    return req.send({ labels: { changed: 'yes' } });
  };
  const remove = (name: string, ifMatch?: string) => {
    const req = api().delete(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(owner));
    if (ifMatch !== undefined) req.set('If-Match', ifMatch);
    return req;
  };

  it.each([
    ['PATCH', patch],
    ['DELETE', remove],
  ])('%s with a stale tag ("999") is 412 and creates no request', async (_m, write) => {
    const { name } = await newNamespace();
    const before = await requestCount();
    expectErrorShape(await write(name, '"999"'), 412);
    expect(await requestCount()).toBe(before);
  });

  it.each([
    ['PATCH', patch],
    ['DELETE', remove],
  ])('%s with the current tag, or *, goes through', async (_m, write) => {
    const first = await newNamespace();
    expect((await write(first.name, first.etag)).status).toBeLessThan(300);
    const second = await newNamespace();
    expect((await write(second.name, '*')).status).toBeLessThan(300);
  });

  it('a tag read before a change is stale after it (412, nothing created)', async () => {
    const { name, etag } = await newNamespace();
    await patch(name, etag).expect(201);
    const before = await requestCount();
    expectErrorShape(await patch(name, etag), 412);
    expectErrorShape(await remove(name, etag), 412);
    expect(await requestCount()).toBe(before);
  });

  it('a stale tag with an Idempotency-Key stores nothing: a retry with the fresh tag succeeds', async () => {
    const { name, etag } = await newNamespace();
    const key = randomUUID();
    expectErrorShape(await patch(name, '"999"').set('Idempotency-Key', key), 412);
    const res = await api()
      .patch(`/v1/tenants/${tenant}/namespaces/${name}`)
      .set(bearer(developer))
      .set('If-Match', etag)
      .set('Idempotency-Key', randomUUID())
      .send({ labels: { changed: 'yes' } });
    expect(res.status).toBe(201);
  });

  it('* on a namespace that does not exist is 404', async () => {
    expectErrorShape(await patch(`${tenant}-nope`, '*'), 404);
  });
});

describe('If-Match semantics on every conditional write', () => {
  interface Target {
    what: string;
    /** Makes a fresh resource; returns its current ETag and a write to run with a given If-Match. */
    make(): Promise<{ etag: string; write(ifMatch: string): Promise<Response> }>;
  }
  const TARGETS: Target[] = [
    {
      what: 'PATCH /v1/clusters/{name}',
      async make() {
        const res = await api()
          .post('/v1/clusters')
          .set(bearer(admin))
          .send({ name: uniqueName('c') })
          .expect(201);
        return {
          etag: etagOf(res)!,
          write: (m) => api().patch(`/v1/clusters/${res.body.name}`).set(bearer(admin)).set('If-Match', m).send({ displayName: 'x' }),
        };
      },
    },
    {
      what: 'DELETE /v1/quota-tiers/{name}',
      async make() {
        const res = await api()
          .post('/v1/quota-tiers')
          .set(bearer(admin))
          .send({ name: uniqueName('tier'), resources: { pods: '1' } })
          .expect(201);
        return { etag: etagOf(res)!, write: (m) => api().delete(`/v1/quota-tiers/${res.body.name}`).set(bearer(admin)).set('If-Match', m) };
      },
    },
    {
      what: 'PATCH /v1/tenants/{tenant}',
      async make() {
        const res = await api().post('/v1/tenants').set(bearer(admin)).send({ name: uniqueName() }).expect(201);
        return {
          etag: etagOf(res)!,
          write: (m) => api().patch(`/v1/tenants/${res.body.name}`).set(bearer(admin)).set('If-Match', m).send({ displayName: 'x' }),
        };
      },
    },
    {
      what: 'PATCH /v1/tenants/{tenant}/namespaces/{name}',
      async make() {
        const { name, etag } = await newNamespace();
        return {
          etag,
          write: (m) =>
            api()
              .patch(`/v1/tenants/${tenant}/namespaces/${name}`)
              .set(bearer(developer))
              .set('If-Match', m)
              .send({ labels: { x: 'y' } }),
        };
      },
    },
    {
      what: 'DELETE /v1/tenants/{tenant}/namespaces/{name}',
      async make() {
        const { name, etag } = await newNamespace();
        return { etag, write: (m) => api().delete(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(owner)).set('If-Match', m) };
      },
    },
  ];

  const weak = (etag: string) => `W/${etag}`;
  const CASES: Array<[string, (etag: string) => string, number]> = [
    ['a weak tag of the current version (strong comparison never matches it)', weak, 412],
    ['an opaque tag that is not ours', () => '"abc"', 412],
    ['a blank value', () => '', 400],
    ['spaces only', () => '   ', 400],
    ['an unquoted version', (etag) => etag.replace(/"/g, ''), 400],
    ['garbage', () => 'W/', 400],
    ['an unterminated tag', () => '"3', 400],
    ['several tags', (etag) => `${etag}, "999"`, 400],
  ];
  const table = TARGETS.flatMap((t) => CASES.map(([what, ifMatch, status]) => [t.what, what, status, ifMatch, t] as const));

  it.each(table)('%s with %s → %d, nothing changed', async (_route, _what, status, ifMatch, target) => {
    const { etag, write } = await target.make();
    const before = await requestCount();
    const res = await write(ifMatch(etag));
    expectErrorShape(res, status);
    expect(await requestCount()).toBe(before);
    // The resource is still there and unchanged: the current tag still works.
    expect((await write(etag)).status).toBeLessThan(300);
  });
});
