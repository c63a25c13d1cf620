import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { apiKeyHeader, bearer, catalogue, newTenant, TenantFixture, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

type Headers = Record<string, string>;

/**
 * Four eyes compares people, not credentials: an API key acts for the person who created it (a key
 * minted by a key for that key's person, the bootstrap key for `system:bootstrap`), and nobody may
 * approve or reject a request they are accountable for, whichever credential asks or decides.
 */
let app: NestFastifyApplication;
const api = () => http(app);
let cluster: string;
let gated: string;
let t: TenantFixture;
const bootstrapKey = `bootstrap-${randomBytes(24).toString('hex')}`;
let savedBootstrap: string | undefined;

/** An admin person: their token, and helpers to mint keys as them. */
async function adminPerson() {
  const sub = uniqueName('admin');
  const token = await adminToken(sub);
  return { sub, token, headers: bearer(token) };
}

async function mintAdminKey(as: Headers): Promise<{ key: string; headers: Headers; body: Record<string, unknown> }> {
  const res = await api()
    .post('/v1/api-keys')
    .set(as)
    .send({ name: uniqueName('k') })
    .expect(201);
  return { key: res.body.key, headers: apiKeyHeader(res.body.key), body: res.body };
}

async function mintTenantKey(as: Headers, role: 'developer' | 'owner' = 'developer'): Promise<{ headers: Headers; body: Record<string, unknown> }> {
  const res = await api()
    .post(`/v1/tenants/${t.name}/api-keys`)
    .set(as)
    .send({ name: uniqueName('k'), role })
    .expect(201);
  return { headers: bearer(res.body.key), body: res.body };
}

/** A request that needs approval (gated tier), asked with `as`. */
async function ask(as: Headers): Promise<{ id: string; requestedBy: string; accountable: string }> {
  const res = await api()
    .post(`/v1/tenants/${t.name}/namespace-requests`)
    .set(as)
    .send({ name: `${t.name}-${randomBytes(3).toString('hex')}`, cluster, tier: gated })
    .expect(201);
  expect(res.body.state).toBe('PendingApproval');
  return res.body;
}

const approve = (id: string, as: Headers) => api().post(`/v1/namespace-requests/${id}/approve`).set(as).send({ comment: 'ok' });
const reject = (id: string, as: Headers) => api().post(`/v1/namespace-requests/${id}/reject`).set(as).send({ comment: 'no' });
const stateOf = async (id: string, as: Headers) => (await api().get(`/v1/namespace-requests/${id}`).set(as).expect(200)).body.state;

/** Both decisions are refused with the four-eyes reason, and the request stays pending. */
async function expectRefused(id: string, as: Headers, observer: Headers) {
  for (const decide of [approve, reject]) {
    const res = await decide(id, as);
    expectErrorShape(res, 403);
    expect(res.body.message).toMatch(/four-eyes/i);
  }
  expect(await stateOf(id, observer)).toBe('PendingApproval');
}

beforeAll(async () => {
  savedBootstrap = process.env.BERTH_BOOTSTRAP_ADMIN_KEY;
  process.env.BERTH_BOOTSTRAP_ADMIN_KEY = bootstrapKey;
  app = await startApp();
  const c = await catalogue(api());
  cluster = c.cluster;
  gated = uniqueName('gated');
  await api()
    .post('/v1/quota-tiers')
    .set(bearer(c.admin))
    .send({ name: gated, resources: { 'requests.cpu': '100m' }, autoApprove: false })
    .expect(201);
  t = await newTenant(api(), { allowedClusters: [cluster], allowedTiers: [gated], budget: { 'requests.cpu': '100' } });
});
afterAll(async () => {
  await app.close();
  if (savedBootstrap === undefined) delete process.env.BERTH_BOOTSTRAP_ADMIN_KEY;
  else process.env.BERTH_BOOTSTRAP_ADMIN_KEY = savedBootstrap;
});

describe('four eyes compares accountable people, through any credential', () => {
  it('records the credential and the person on a request (a key acts for its creator)', async () => {
    const alice = await adminPerson();
    const own = await ask(alice.headers);
    expect(own).toMatchObject({ requestedBy: `user:${alice.sub}`, accountable: `user:${alice.sub}` });
    const key = await mintTenantKey(alice.headers);
    expect(key.body).toMatchObject({ createdBy: `user:${alice.sub}`, accountable: `user:${alice.sub}` });
    const viaKey = await ask(key.headers);
    expect(viaKey.requestedBy).toMatch(/^apikey:/);
    expect(viaKey.accountable).toBe(`user:${alice.sub}`);
  });

  it('an admin cannot decide their own request as themselves', async () => {
    const alice = await adminPerson();
    const { id } = await ask(alice.headers);
    await expectRefused(id, alice.headers, alice.headers);
  });

  it('an admin cannot decide their own request through an admin key they minted', async () => {
    const alice = await adminPerson();
    const { id } = await ask(alice.headers);
    const key = await mintAdminKey(alice.headers);
    await expectRefused(id, key.headers, alice.headers);
  });

  it('an admin cannot decide, as themselves, a request made through an admin key they minted', async () => {
    const alice = await adminPerson();
    const key = await mintAdminKey(alice.headers);
    const { id } = await ask(key.headers);
    await expectRefused(id, alice.headers, alice.headers);
  });

  it('an admin cannot decide a request made through a tenant key they created, as themselves or through another of their keys', async () => {
    const alice = await adminPerson();
    const tenantKey = await mintTenantKey(alice.headers);
    const { id } = await ask(tenantKey.headers);
    await expectRefused(id, alice.headers, alice.headers);
    await expectRefused(id, (await mintAdminKey(alice.headers)).headers, alice.headers);
  });

  it('keys minted by keys inherit the person: no credential in the chain decides, another admin does', async () => {
    const alice = await adminPerson();
    const k1 = await mintAdminKey(alice.headers);
    const k2 = await mintAdminKey(k1.headers);
    expect(k2.body).toMatchObject({ createdBy: expect.stringMatching(/^apikey:/), accountable: `user:${alice.sub}` });
    const k3 = await mintTenantKey(k2.headers);
    expect(k3.body.accountable).toBe(`user:${alice.sub}`);
    const { id, accountable } = await ask(k3.headers);
    expect(accountable).toBe(`user:${alice.sub}`);
    for (const as of [alice.headers, k1.headers, k2.headers]) await expectRefused(id, as, alice.headers);
    const bob = await adminPerson();
    const res = await approve(id, bob.headers).expect(200);
    expect(res.body).toMatchObject({ state: 'Approved', decidedBy: `user:${bob.sub}` });
  });

  it('another admin may decide, through a key of their own too', async () => {
    const alice = await adminPerson();
    const bob = await adminPerson();
    const bobKey = await mintAdminKey(bob.headers);
    const first = await ask(alice.headers);
    await approve(first.id, bobKey.headers).expect(200);
    const second = await ask((await mintTenantKey(alice.headers)).headers);
    await reject(second.id, bob.headers).expect(200);
  });

  it("a tenant owner's key acts for the owner: an admin other than the owner decides its requests", async () => {
    const ownerKey = await mintTenantKey(bearer(t.owner), 'developer');
    expect(ownerKey.body.accountable).toBe(`user:${t.ownerSub}`);
    const { id, accountable } = await ask(ownerKey.headers);
    expect(accountable).toBe(`user:${t.ownerSub}`);
    await approve(id, (await adminPerson()).headers).expect(200);
  });

  it('the bootstrap key and every key it minted act for system:bootstrap: they never decide each other’s requests', async () => {
    const boot = apiKeyHeader(bootstrapKey);
    const me = await api().get('/v1/me').set(boot).expect(200);
    expect(me.body).toMatchObject({ platformRole: 'admin', accountable: 'system:bootstrap' });
    const minted = await mintAdminKey(boot);
    expect(minted.body.accountable).toBe('system:bootstrap');
    const tenantKey = await mintTenantKey(minted.headers);
    const { id, accountable } = await ask(tenantKey.headers);
    expect(accountable).toBe('system:bootstrap');
    await expectRefused(id, boot, boot);
    await expectRefused(id, minted.headers, boot);
    await approve(id, (await adminPerson()).headers).expect(200);
  });
});
