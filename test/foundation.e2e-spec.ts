import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { bearer, newTenant } from './helpers/fixtures';
import { adminToken, tokenFor } from './helpers/tokens';

describe('foundation smoke', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers health and readiness without credentials', async () => {
    await http(app).get('/healthz').expect(200, { status: 'ok' });
    await http(app).get('/readyz').expect(200, { status: 'ready' });
  });

  it('refuses an unauthenticated call with the error shape', async () => {
    const res = await http(app).get('/v1/me').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', details: [expect.objectContaining({ code: expect.any(String) })] });
  });

  it('lets an owner see their tenant and an outsider not', async () => {
    const t = await newTenant(http(app));
    const me = await http(app).get('/v1/me').set(bearer(t.owner)).expect(200);
    expect(me.body.tenants).toEqual([{ name: t.name, role: 'owner' }]);
    await http(app).get(`/v1/tenants/${t.name}`).set(bearer(t.viewer)).expect(200);
    const outsider = await tokenFor({ sub: 'nobody' });
    await http(app).get(`/v1/tenants/${t.name}`).set(bearer(outsider)).expect(404);
    const admin = await adminToken();
    await http(app).get(`/v1/tenants/${t.name}`).set(bearer(admin)).expect(200);
  });
});
