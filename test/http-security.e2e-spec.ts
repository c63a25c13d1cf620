import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { toBerthConfig, validateEnv } from '@berth/config';
import { http, startApp } from './helpers/app';
import { bearer } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Boots the real app with these environment variables set (and restores them after). */
async function startWith(env: Record<string, string>): Promise<NestFastifyApplication> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await startApp();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('security headers', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startWith({ BERTH_HSTS_MAX_AGE_SECONDS: '31536000' });
  });
  afterAll(() => app.close());

  it('a JSON route answers with nosniff, DENY, no-referrer, a deny-all CSP and HSTS when configured', async () => {
    const res = await http(app)
      .get('/v1/me')
      .set(bearer(await adminToken()))
      .expect(200);
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('errors (401 from the guard, 404 from the router, 405 from the method check) carry them too', async () => {
    const answers = [
      await http(app).get('/v1/me').expect(401),
      await http(app).get('/v1/no-such-thing').expect(404),
      await http(app).delete('/v1/me').expect(405),
    ];
    for (const res of answers) {
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.body).toMatchObject({ statusCode: res.status, requestId: expect.any(String) });
    }
  });

  it('Swagger UI at /docs still loads: its page and scripts are allowed from self, framing is not', async () => {
    const page = await http(app).get('/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers).toMatchObject(SECURITY_HEADERS);
    const script = await http(app).get('/docs/swagger-ui-init.js').expect(200);
    expect(script.headers['content-security-policy']).toContain("script-src 'self'");
    await http(app).get('/openapi.json').expect(200);
  });

  it('no Strict-Transport-Security unless configured', async () => {
    const plain = await startWith({ BERTH_HSTS_MAX_AGE_SECONDS: '0' });
    try {
      const res = await http(plain).get('/healthz').expect(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
    } finally {
      await plain.close();
    }
  });
});

describe('rate limit per caller (BERTH_RATE_LIMIT_PER_MINUTE=3)', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startWith({ BERTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => app.close());

  it('the 4th request of a caller in a minute is a 429 with Retry-After, in the error shape with the requestId', async () => {
    const token = bearer(await adminToken());
    for (let i = 0; i < 3; i++) await http(app).get('/v1/me').set(token).expect(200);
    const res = await http(app).get('/v1/me').set(token).set('X-Request-Id', 'rate-1').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('at most 3 a minute'),
      details: [{ code: 'rate-limited', message: expect.any(String) }],
      requestId: res.headers['x-request-id'],
    });
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
  });

  it('another caller (token or API key) is unaffected, and so are health probes', async () => {
    const spent = bearer(await adminToken());
    for (let i = 0; i < 3; i++) await http(app).get('/v1/me').set(spent).expect(200);
    await http(app).get('/v1/me').set(spent).expect(429);
    await http(app)
      .get('/v1/me')
      .set(bearer(await adminToken()))
      .expect(200);
    await http(app).get('/v1/me').set('X-API-Key', 'berth_0000000000000000_not-a-real-key-but-its-own-bucket-000000').expect(401);
    for (let i = 0; i < 5; i++) await http(app).get('/healthz').expect(200);
  });

  it('callers without credentials share a bucket per client address', async () => {
    for (let i = 0; i < 3; i++) await http(app).get('/v1/me').expect(401);
    const res = await http(app).get('/v1/me').expect(429);
    expect(res.body).toMatchObject({ statusCode: 429, details: [{ code: 'rate-limited' }] });
  });
});

describe('configuration', () => {
  it.each(['-1', 'lots', '1.5'])('BERTH_RATE_LIMIT_PER_MINUTE=%s stops the start with a message naming it', (value) => {
    expect(() => validateEnv({ BERTH_RATE_LIMIT_PER_MINUTE: value })).toThrow(/BERTH_RATE_LIMIT_PER_MINUTE must be a whole number/);
  });

  it('defaults: 600 requests a minute per caller, no HSTS', () => {
    expect(toBerthConfig(validateEnv({})).http).toMatchObject({ rateLimitPerMinute: 600, hstsMaxAgeSeconds: 0 });
  });
});
