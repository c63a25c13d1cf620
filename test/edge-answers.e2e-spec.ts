import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'supertest';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, tenantOnCatalogue, uniqueName } from './helpers/fixtures';

/**
 * Statuses, ETags and Idempotency-Key belong to the edge: routes return what their service answers, a fixed
 * `@HttpCode` (200 for `?dryRun=true`), the global ETag interceptor on every single resource, and the
 * idempotency interceptor storing and replaying status and body.
 */
let app: NestFastifyApplication;
const api = () => http(app);
let cluster: string;
let tier: string;
let tenant: string;
let developer: string;
let owner: string;

const etagOf = (res: Response) => res.headers.etag as string | undefined;
const requestsNamed = async (name: string) =>
  Number((await sql<{ n: string }>('SELECT count(*) AS n FROM "NamespaceRequest" WHERE namespace = $1', [name]))[0].n);
const newName = () => `${tenant}-${uniqueName('e').slice(0, 8)}`;
const create = (body: Record<string, unknown>, key?: string, query = '') => {
  const req = api().post(`/v1/tenants/${tenant}/namespace-requests${query}`).set(bearer(developer));
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
};

beforeAll(async () => {
  app = await startApp();
  const world = await tenantOnCatalogue(api(), { budget: { 'requests.cpu': '1', namespaces: 50 } });
  ({ cluster, tier } = world);
  tenant = world.tenant.name;
  developer = world.tenant.developer;
  owner = world.tenant.owner;
});
afterAll(async () => {
  await app.close();
});

describe('answers at the edge', () => {
  it('a created namespace request carries the ETag of its version, and its Idempotency-Key replay the same', async () => {
    const key = randomUUID();
    const body = { name: newName(), cluster, tier };
    const first = await create(body, key).expect(201);
    expect(etagOf(first)).toBe(`"${first.body.version}"`);
    const replay = await create(body, key).expect(201);
    expect(replay.body).toEqual(first.body);
    expect(etagOf(replay)).toBe(etagOf(first));
    expect(await requestsNamed(body.name)).toBe(1);
  });

  it('?dryRun=true answers 200 with the decision and stores no request, with or without an Idempotency-Key', async () => {
    const body = { name: newName(), cluster, tier };
    const plain = await create(body, undefined, '?dryRun=true').expect(200);
    expect(plain.body).toMatchObject({ decision: { outcome: 'approve', reasons: [] }, spec: { tier } });
    expect(etagOf(plain)).toBeUndefined();
    const keyed = await create(body, randomUUID(), '?dryRun=false').expect(201);
    expect(keyed.body).toMatchObject({ namespace: body.name, state: 'Approved' });
    const again = await create({ ...body, name: newName() }, randomUUID(), '?dryRun=true').expect(200);
    expect(again.body.decision.outcome).toBe('approve');
    expect(await requestsNamed(body.name)).toBe(1);
  });

  it('DELETE answers 202 with the ETag of its Delete request; its replay is the same 202', async () => {
    const name = newName();
    await create({ name, cluster, tier }).expect(201);
    const key = randomUUID();
    const del = () => api().delete(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(owner)).set('Idempotency-Key', key);
    const first = await del().expect(202);
    expect(first.body).toMatchObject({ kind: 'Delete', state: 'Approved' });
    expect(etagOf(first)).toBe(`"${first.body.version}"`);
    const replay = await del().expect(202);
    expect(replay.body).toEqual(first.body);
    expect(etagOf(replay)).toBe(etagOf(first));
  });

  it('a policy deny is stored with its key in the decision transaction: the replay is the same 422', async () => {
    const key = randomUUID();
    const body = { name: newName(), cluster, resources: { 'requests.cpu': '64' } };
    const denied = await create(body, key);
    expectErrorShape(denied, 422);
    const replay = await create(body, key);
    expectErrorShape(replay, 422);
    expect(replay.body.details).toEqual(denied.body.details);
    expect((await sql<{ status: number }>('SELECT status FROM "IdempotencyRecord" WHERE key = $1', [key]))[0].status).toBe(422);
  });

  it('a refusal before anything is stored frees its key: once the pending delete is cancelled, the same key and body run', async () => {
    const name = newName();
    await api().post(`/v1/tenants/${tenant}/namespace-requests`).set(bearer(owner)).send({ name, cluster, tier, protected: true }).expect(201);
    // A protected namespace's delete waits for a platform admin.
    const pending = await api().delete(`/v1/tenants/${tenant}/namespaces/${name}`).set(bearer(owner)).expect(202);
    expect(pending.body.state).toBe('PendingApproval');
    const key = randomUUID();
    const change = () =>
      api()
        .patch(`/v1/tenants/${tenant}/namespaces/${name}`)
        .set(bearer(developer))
        .set('Idempotency-Key', key)
        .send({ labels: { a: 'b' } });
    const busy = await change();
    expectErrorShape(busy, 409);
    expect(busy.body.details[0].code).toBe('request-pending');
    expect(await sql('SELECT 1 FROM "IdempotencyRecord" WHERE key = $1', [key])).toEqual([]);
    await api().post(`/v1/namespace-requests/${pending.body.id}/cancel`).set(bearer(owner)).send({}).expect(200);
    const ran = await change().expect(201);
    expect(ran.body).toMatchObject({ kind: 'Change', state: 'Approved' });
    expect(etagOf(ran)).toBe(`"${ran.body.version}"`);
  });
});
