import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { apiKeyHeader, bearer, newTenant, uniqueName } from './helpers/fixtures';
import { adminToken, tokenFor, unsignedToken } from './helpers/tokens';
import { SignJWT } from 'jose';
import { validateEnv } from '@berth/config';
import { ADMIN_GROUP, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from './helpers/constants';

let app: NestFastifyApplication;
const api = () => http(app);

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app.close();
});

describe('JWT authentication', () => {
  const minutesAgo = (m: number) => Math.floor(Date.now() / 1000) - m * 60;
  const REFUSED: Array<[string, () => Promise<string> | string]> = [
    ['a wrong signature', () => tokenFor({ secret: 'another-secret-that-is-long-enough-0123456789' })],
    ['alg: none', () => unsignedToken()],
    ['alg: none claiming the admin group', () => unsignedToken('root')],
    ['an expired token', () => tokenFor({ expiresIn: minutesAgo(5) })],
    ['a wrong issuer', () => tokenFor({ issuer: 'https://evil.example' })],
    ['a wrong audience', () => tokenFor({ audience: 'someone-else' })],
    ['no sub', () => tokenFor({ omitSub: true })],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await tokenFor({ sub: 'alice' })).split('.');
        const payload = Buffer.from(
          JSON.stringify({ sub: 'alice', groups: [ADMIN_GROUP], iss: 'https://idp.test', aud: 'berth', exp: minutesAgo(-60) }),
        ).toString('base64url');
        return `${h}.${payload}.${s}`;
      },
    ],
    ['a malformed token', () => 'a.b.c'],
  ];

  it.each(REFUSED)('refuses %s with 401', async (_what, token) => {
    const res = await api()
      .get('/v1/me')
      .set(bearer(await token()));
    expectErrorShape(res, 401);
  });

  it('accepts a token without a groups claim: signed in, but no tenant and no admin', async () => {
    const sub = uniqueName('nogroups');
    const token = await tokenFor({ sub, omitGroups: true });
    const me = await api().get('/v1/me').set(bearer(token)).expect(200);
    expect(me.body).toMatchObject({ kind: 'user', id: sub, actor: `user:${sub}`, groups: [], platformRole: 'user', tenants: [] });
    const tenants = await api().get('/v1/tenants').set(bearer(token)).expect(200);
    expect(tenants.body.items).toEqual([]);
  });

  it('makes members of an admin group platform admins', async () => {
    const me = await api()
      .get('/v1/me')
      .set(bearer(await adminToken()))
      .expect(200);
    expect(me.body.platformRole).toBe('admin');
    await api()
      .post('/v1/clusters')
      .set(bearer(await adminToken()))
      .send({ name: uniqueName('c') })
      .expect(201);
  });

  it('does not make members of other groups admins', async () => {
    const token = await tokenFor({ groups: ['platform-admins-not', 'developers'] });
    const me = await api().get('/v1/me').set(bearer(token)).expect(200);
    expect(me.body.platformRole).toBe('user');
    expectErrorShape(
      await api()
        .post('/v1/clusters')
        .set(bearer(token))
        .send({ name: uniqueName('c') }),
      403,
    );
  });

  it('gives the members of a Group that owns a tenant the owner role', async () => {
    const group = uniqueName('team');
    const t = await newTenant(api(), { owners: [{ kind: 'Group', name: group }] });
    const member = await tokenFor({ sub: uniqueName('member'), groups: ['unrelated', group] });
    const me = await api().get('/v1/me').set(bearer(member)).expect(200);
    expect(me.body.tenants).toEqual([{ name: t.name, role: 'owner' }]);
    await api().get(`/v1/tenants/${t.name}`).set(bearer(member)).expect(200);
    await api()
      .post(`/v1/tenants/${t.name}/members`)
      .set(bearer(member))
      .send({ subject: { kind: 'User', name: 'newbie' }, role: 'viewer' })
      .expect(201);
    // Not in the group: the tenant does not exist for them.
    const stranger = await tokenFor({ sub: uniqueName('stranger'), groups: [`${group}-x`] });
    expectErrorShape(await api().get(`/v1/tenants/${t.name}`).set(bearer(stranger)), 404);
  });

  it('takes the strongest role when a user holds several in one tenant', async () => {
    const t = await newTenant(api());
    const admin = bearer(await adminToken());
    await api()
      .post(`/v1/tenants/${t.name}/members`)
      .set(admin)
      .send({ subject: { kind: 'Group', name: `${t.name}-viewers` }, role: 'viewer' })
      .expect(201);
    await api()
      .post(`/v1/tenants/${t.name}/members`)
      .set(admin)
      .send({ subject: { kind: 'Group', name: `${t.name}-devs` }, role: 'developer' })
      .expect(201);
    const token = await tokenFor({ sub: uniqueName('u'), groups: [`${t.name}-viewers`, `${t.name}-devs`] });
    const me = await api().get('/v1/me').set(bearer(token)).expect(200);
    expect(me.body.tenants).toEqual([{ name: t.name, role: 'developer' }]);
  });
});

/** An HS256 token with exactly these claims (times in seconds from now; `null` leaves the claim out). */
async function rawToken(claims: Record<string, unknown>, times: { iat?: number | null; nbf?: number; exp?: number | null } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const body: Record<string, unknown> = { iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: `user-${randomBytes(4).toString('hex')}`, ...claims };
  if (times.iat !== null) body.iat = now + (times.iat ?? 0);
  if (times.nbf !== undefined) body.nbf = now + times.nbf;
  if (times.exp !== null) body.exp = now + (times.exp ?? 3600);
  return new SignJWT(body).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

describe('token lifetime and clock skew (BERTH_JWT_CLOCK_SKEW_SECONDS, default 60)', () => {
  const REFUSED: Array<[string, () => Promise<string>]> = [
    ['an HS256 token without exp', () => rawToken({}, { exp: null })],
    ['iat in the future beyond the skew', () => rawToken({}, { iat: 5 * 60 })],
    ['nbf in the future beyond the skew', () => rawToken({}, { nbf: 5 * 60 })],
    ['exp in the past beyond the skew', () => rawToken({}, { iat: -600, exp: -5 * 60 })],
  ];
  it.each(REFUSED)('refuses %s (401)', async (_what, token) => {
    expectErrorShape(
      await api()
        .get('/v1/me')
        .set(bearer(await token())),
      401,
    );
  });

  const ACCEPTED: Array<[string, () => Promise<string>]> = [
    ['iat 30 s ahead (a clock within the skew)', () => rawToken({}, { iat: 30 })],
    ['nbf 30 s ahead', () => rawToken({}, { nbf: 30 })],
    ['exp 30 s ago', () => rawToken({}, { iat: -600, exp: -30 })],
    ['no iat', () => rawToken({}, { iat: null })],
  ];
  it.each(ACCEPTED)('accepts %s', async (_what, token) => {
    await api()
      .get('/v1/me')
      .set(bearer(await token()))
      .expect(200);
  });

  it.each([['-1'], ['abc'], ['3601'], ['1.5']])('refuses BERTH_JWT_CLOCK_SKEW_SECONDS=%s at start', (value) => {
    expect(() => validateEnv({ ...process.env, BERTH_JWT_CLOCK_SKEW_SECONDS: value })).toThrow(/BERTH_JWT_CLOCK_SKEW_SECONDS/);
  });

  it('reads BERTH_JWT_CLOCK_SKEW_SECONDS (0 allows no skew at all)', async () => {
    const saved = process.env.BERTH_JWT_CLOCK_SKEW_SECONDS;
    process.env.BERTH_JWT_CLOCK_SKEW_SECONDS = '0';
    const strict = await startApp();
    try {
      expectErrorShape(
        await http(strict)
          .get('/v1/me')
          .set(bearer(await rawToken({}, { iat: 30 }))),
        401,
      );
      await http(strict)
        .get('/v1/me')
        .set(bearer(await rawToken({})))
        .expect(200);
      // Each application authenticates with its own strategy and configuration, also beside another one in the
      // same process (passport's registry by name is process-global: the one started last used to serve both).
      await http(app)
        .get('/v1/me')
        .set(bearer(await rawToken({}, { iat: 30 })))
        .expect(200);
    } finally {
      await strict.close();
      if (saved === undefined) delete process.env.BERTH_JWT_CLOCK_SKEW_SECONDS;
      else process.env.BERTH_JWT_CLOCK_SKEW_SECONDS = saved;
    }
  });
});

describe('claims PostgreSQL cannot store are refused (401), never a 500', () => {
  const CLAIMS: Array<[string, Record<string, unknown>]> = [
    ['NUL in sub', { sub: 'alice\u0000' }],
    ['a lone surrogate in sub', { sub: 'alice\ud800' }],
    ['NUL in a group', { groups: ['team\u0000x'] }],
    ['a lone surrogate in a group', { groups: ['\udfff'] }],
    ['NUL in email', { email: 'a\u0000@example.com' }],
  ];
  it.each(CLAIMS)('%s → 401 in the error shape', async (_what, claims) => {
    const res = await api()
      .get('/v1/tenants')
      .set(bearer(await rawToken(claims)));
    expectErrorShape(res, 401);
    expect(res.body.requestId).toEqual(expect.any(String));
  });
});

describe('ambiguous credentials', () => {
  it.each([
    ['a JWT and an API key', async (key: string) => ({ ...bearer(await adminToken()), ...apiKeyHeader(key) })],
    ['the same API key twice', async (key: string) => ({ ...bearer(key), ...apiKeyHeader(key) })],
    ['a garbage bearer and a valid API key', async (key: string) => ({ Authorization: 'Bearer nope', ...apiKeyHeader(key) })],
  ])('Authorization and X-API-Key together (%s) → 400, whatever their validity', async (_what, headers) => {
    const created = await api()
      .post('/v1/api-keys')
      .set(bearer(await adminToken()))
      .send({ name: 'both' })
      .expect(201);
    const res = await api()
      .get('/v1/me')
      .set(await headers(created.body.key));
    expectErrorShape(res, 400);
    expect(res.body.message).toMatch(/ambiguous credentials/i);
  });
});

describe('API keys', () => {
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  let other: Awaited<ReturnType<typeof newTenant>>;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    tenant = await newTenant(api());
    other = await newTenant(api());
    const res = await api().post(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).send({ name: 'portal', role: 'viewer' }).expect(201);
    key = res.body.key;
    keyId = res.body.id;
    expect(res.body).toMatchObject({ id: expect.any(String), name: 'portal', role: 'viewer', tenant: tenant.name, lastUsedAt: null, revokedAt: null });
  });

  it('shows the key once, at creation; the list never does', async () => {
    expect(key).toMatch(/^berth_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const list = await api().get(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).expect(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === keyId);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('key');
    expect(listed).not.toHaveProperty('secretHash');
    expect(JSON.stringify(list.body)).not.toContain(key.slice(-43));
  });

  it.each([
    ['Authorization: Bearer berth_…', (k: string) => bearer(k)],
    ['X-API-Key: berth_…', (k: string) => apiKeyHeader(k)],
  ])('authenticates with %s', async (_how, header) => {
    const me = await api().get('/v1/me').set(header(key)).expect(200);
    expect(me.body).toMatchObject({ kind: 'apiKey', id: keyId, platformRole: 'user', tenants: [{ name: tenant.name, role: 'viewer' }] });
    await api().get(`/v1/tenants/${tenant.name}`).set(header(key)).expect(200);
  });

  it("enforces the key's scope: a viewer key cannot add members (403) nor see another tenant (404)", async () => {
    expectErrorShape(
      await api()
        .post(`/v1/tenants/${tenant.name}/members`)
        .set(apiKeyHeader(key))
        .send({ subject: { kind: 'User', name: 'x' }, role: 'owner' }),
      403,
    );
    expectErrorShape(await api().post(`/v1/tenants/${tenant.name}/api-keys`).set(apiKeyHeader(key)).send({ name: 'escalate', role: 'owner' }), 403);
    expectErrorShape(await api().get(`/v1/tenants/${other.name}`).set(apiKeyHeader(key)), 404);
    expectErrorShape(await api().post('/v1/api-keys').set(apiKeyHeader(key)).send({ name: 'escalate' }), 403);
  });

  it('refuses a key whose secret part is altered', async () => {
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    expectErrorShape(
      await api()
        .get('/v1/me')
        .set(apiKeyHeader(key.slice(0, -1) + last)),
      401,
    );
  });

  it('stores only a hash of the secret', async () => {
    const rows = await sql('SELECT * FROM "ApiKey" WHERE id = $1', [keyId]);
    expect(rows).toHaveLength(1);
    const secret = key.split('_').slice(2).join('_');
    for (const [column, value] of Object.entries(rows[0])) {
      const text = value instanceof Date ? value.toISOString() : String(value);
      expect({ column, containsKey: text.includes(key) || text.includes(secret) }).toEqual({ column, containsKey: false });
    }
  });

  it('records lastUsedAt once the key is used', async () => {
    await api().get('/v1/me').set(apiKeyHeader(key)).expect(200);
    const list = await api().get(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).expect(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === keyId);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(Date.now() - new Date(listed.lastUsedAt).getTime()).toBeLessThan(5 * 60_000);
  });

  it('refuses a revoked key (401), and shows it as revoked', async () => {
    const res = await api().post(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).send({ name: 'short-lived', role: 'developer' }).expect(201);
    await api().get('/v1/me').set(bearer(res.body.key)).expect(200);
    await api().delete(`/v1/tenants/${tenant.name}/api-keys/${res.body.id}`).set(bearer(tenant.owner)).expect(204);
    expectErrorShape(await api().get('/v1/me').set(bearer(res.body.key)), 401);
    expectErrorShape(await api().get('/v1/me').set(apiKeyHeader(res.body.key)), 401);
    const list = await api().get(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).expect(200);
    expect(list.body.items.find((k: { id: string }) => k.id === res.body.id).revokedAt).not.toBeNull();
  });

  it('global admin keys are admins; revoking one locks it out', async () => {
    const admin = bearer(await adminToken());
    const res = await api().post('/v1/api-keys').set(admin).send({ name: 'automation' }).expect(201);
    expect(res.body).toMatchObject({ role: 'admin', tenant: null, key: expect.stringMatching(/^berth_/) });
    const me = await api().get('/v1/me').set(apiKeyHeader(res.body.key)).expect(200);
    expect(me.body.platformRole).toBe('admin');
    const list = await api().get('/v1/api-keys?limit=500').set(admin).expect(200);
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(res.body.id);
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    await api().delete(`/v1/api-keys/${res.body.id}`).set(apiKeyHeader(res.body.key)).expect(204);
    expectErrorShape(await api().get('/v1/me').set(apiKeyHeader(res.body.key)), 401);
  });

  it("a tenant key cannot be revoked through another tenant's route", async () => {
    const admin = bearer(await adminToken());
    expectErrorShape(await api().delete(`/v1/tenants/${other.name}/api-keys/${keyId}`).set(admin), 404);
    expectErrorShape(await api().delete(`/v1/api-keys/${keyId}`).set(admin), 404);
    await api().get('/v1/me').set(apiKeyHeader(key)).expect(200);
  });
});

describe('bootstrap admin key (BERTH_BOOTSTRAP_ADMIN_KEY)', () => {
  const configured = `bootstrap-${randomBytes(24).toString('hex')}`;
  let saved: string | undefined;
  const bootstrapRows = async () => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM "ApiKey" WHERE name = 'bootstrap-admin'`))[0].n);

  beforeAll(() => {
    saved = process.env.BERTH_BOOTSTRAP_ADMIN_KEY;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.BERTH_BOOTSTRAP_ADMIN_KEY;
    else process.env.BERTH_BOOTSTRAP_ADMIN_KEY = saved;
  });

  it('is accepted as an admin, and a second start does not seed it twice', async () => {
    const before = await bootstrapRows();
    process.env.BERTH_BOOTSTRAP_ADMIN_KEY = configured;
    const first = await startApp();
    try {
      const me = await http(first).get('/v1/me').set(apiKeyHeader(configured)).expect(200);
      expect(me.body).toMatchObject({ kind: 'apiKey', platformRole: 'admin' });
      await http(first)
        .post('/v1/clusters')
        .set(apiKeyHeader(configured))
        .send({ name: uniqueName('c') })
        .expect(201);
    } finally {
      await first.close();
    }
    expect(await bootstrapRows()).toBe(before + 1);
    const rows = await sql('SELECT * FROM "ApiKey" WHERE name = $1', ['bootstrap-admin']);
    for (const row of rows) for (const value of Object.values(row)) expect(String(value)).not.toContain(configured);

    const second = await startApp();
    try {
      await http(second).get('/v1/me').set(apiKeyHeader(configured)).expect(200);
    } finally {
      await second.close();
    }
    expect(await bootstrapRows()).toBe(before + 1);
  });

  it('refuses a near miss of the bootstrap key', async () => {
    expectErrorShape(
      await api()
        .get('/v1/me')
        .set(apiKeyHeader(`${configured}x`)),
      401,
    );
  });
});
