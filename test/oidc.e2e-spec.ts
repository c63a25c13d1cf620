import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { http as api, startApp } from './helpers/app';
import { bearer } from './helpers/fixtures';

/** A minimal OIDC provider on loopback: discovery document and JWKS, as a real IdP serves them. */
async function identityProvider() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (claims: Record<string, unknown>, kid = 'k1', key = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer).setAudience('berth-oidc').setIssuedAt().setExpirationTime('5m').sign(key);
  return { issuer, sign, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('OIDC sign-in (RS256 via discovery + JWKS)', () => {
  let app: NestFastifyApplication;
  let idp: Awaited<ReturnType<typeof identityProvider>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    idp = await identityProvider();
    process.env.BERTH_OIDC_ISSUER = idp.issuer;
    process.env.BERTH_OIDC_AUDIENCE = 'berth-oidc';
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
    await idp.close();
    process.env = saved;
  });

  it('accepts a token signed by the issuer and maps groups to the platform admin role', async () => {
    const token = await idp.sign({ sub: 'oidc-alice', email: 'alice@example.com', groups: ['platform-admins'] });
    const me = await api(app).get('/v1/me').set(bearer(token)).expect(200);
    expect(me.body).toMatchObject({ kind: 'user', id: 'oidc-alice', email: 'alice@example.com', platformRole: 'admin' });
  });

  it('refuses a token signed by another key, with an unknown kid, or for another audience', async () => {
    const { privateKey: other } = await generateKeyPair('RS256');
    await api(app)
      .get('/v1/me')
      .set(bearer(await idp.sign({ sub: 'mallory' }, 'k1', other)))
      .expect(401);
    await api(app)
      .get('/v1/me')
      .set(bearer(await idp.sign({ sub: 'mallory' }, 'unknown')))
      .expect(401);
    const wrongAudience = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('other')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    await api(app).get('/v1/me').set(bearer(wrongAudience)).expect(401);
  });
});
