import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { startApp } from './helpers/app';
import { launchBrowser, screenshot, seriousA11yViolations, type TestBrowser } from './helpers/browser';
import { fleetEnv, type FleetEnv } from './helpers/fleet';
import { ADMIN_GROUP } from './helpers/constants';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real API on real
 * PostgreSQL, with the fleet writer inline on a bare repository (approved requests get Committed) and a stub
 * OIDC provider for the PKCE sign-in. Needs `npm run build:console` first (dist/console).
 */
jest.setTimeout(90_000);

const CLIENT_ID = 'berth-console';
const AUDIENCE = 'berth-console-api';

interface Exchange {
  verifierMatches: boolean;
  redirectMatches: boolean;
}

/** A tiny OIDC provider: discovery, an authorize endpoint that signs in at once, a token endpoint that checks PKCE, JWKS. */
async function stubIdentityProvider(subject: string, groups: string[]) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; method: string; redirectUri: string; clientId: string }>();
  const exchanges: Exchange[] = [];
  const authorizeQueries: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', base);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      authorizeQueries.push(url.searchParams);
      const q = url.searchParams;
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        method: q.get('code_challenge_method') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        clientId: q.get('client_id') ?? '',
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.search = new URLSearchParams({ code, state: q.get('state') ?? '' }).toString();
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const exchange = {
          verifierMatches: !!grant && grant.method === 'S256' && createHash('sha256').update(verifier).digest('base64url') === grant.challenge,
          redirectMatches: !!grant && grant.redirectUri === form.get('redirect_uri') && grant.clientId === form.get('client_id'),
        };
        exchanges.push(exchange);
        if (form.get('grant_type') !== 'authorization_code' || !exchange.verifierMatches || !exchange.redirectMatches)
          return json(400, { error: 'invalid_grant' });
        void new SignJWT({ groups, email: `${subject}@example.com` })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(base)
          .setAudience(AUDIENCE)
          .setSubject(subject)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(privateKey)
          .then((token) => json(200, { access_token: token, token_type: 'Bearer', expires_in: 600 }));
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, exchanges, authorizeQueries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const ENV_VARS = ['BERTH_OIDC_ISSUER', 'BERTH_OIDC_AUDIENCE', 'BERTH_CONSOLE_OIDC_CLIENT_ID'] as const;
const saved = Object.fromEntries(ENV_VARS.map((k) => [k, process.env[k]]));

let app: NestFastifyApplication;
let base: string;
let browser: TestBrowser;
let fleet: FleetEnv;
let idp: Awaited<ReturnType<typeof stubIdentityProvider>>;
const oidcAdmin = `oidc-admin-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  if (!existsSync(join(__dirname, '..', 'dist', 'console', 'index.html'))) throw new Error('Run `npm run build:console` first: dist/console is missing');
  idp = await stubIdentityProvider(oidcAdmin, [ADMIN_GROUP]);
  process.env.BERTH_OIDC_ISSUER = idp.issuer;
  process.env.BERTH_OIDC_AUDIENCE = AUDIENCE;
  process.env.BERTH_CONSOLE_OIDC_CLIENT_ID = CLIENT_ID;
  fleet = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
  app = await startApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fleet?.cleanup();
  await idp?.close();
  for (const k of ENV_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** Fails the test on any error the page logs (a CSP refusal, an exception). */
function watchConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function signInWithKey(page: Page, key: string, path = '/console/'): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in with API key' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

describe('serving /console', () => {
  it('serves the console with a strict CSP, deep links answer index.html, config.json tells the SPA about OIDC', async () => {
    const index = await fetch(`${base}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const csp = index.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${idp.issuer}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "object-src 'none'",
    ]) {
      expect(csp.split(';').map((d) => d.trim())).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();

    const deep = await fetch(`${base}/console/tenants/some-team/request`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    expect((await fetch(`${base}/console`)).status).toBe(200);

    const asset = /src="\/console\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${base}/console/${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');

    const missing = await fetch(`${base}/console/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, details: [expect.objectContaining({ code: 'not-found' })] });
    expect((await fetch(`${base}/console/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/consolex`)).status).toBe(404);

    const config = await fetch(`${base}/console/config.json`);
    expect(config.status).toBe(200);
    expect(await config.json()).toEqual({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scope: 'openid profile email' } });

    // The API keeps its own deny-all CSP.
    expect((await fetch(`${base}/healthz`)).headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('sign-in', () => {
  it('an unknown API key is refused in the API’s words; no credential ever reaches a URL or storage', async () => {
    const page = await browser.page();
    await page.goto(`${base}/console/`);
    await page.getByLabel('API key', { exact: true }).fill('berth_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in with API key' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/Unauthorized/i);
    expect(page.url()).not.toContain('berth_');
    expect(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).toBe('{}{}');
    await screenshot(page, 'sign-in');
    expect(await seriousA11yViolations(page, 'sign-in')).toEqual([]);
    await page.close();
  });

  it('OIDC Authorization Code + PKCE (S256) against the issuer: the verifier is checked, the token stays in memory', async () => {
    const page = await browser.page();
    const errors = watchConsoleErrors(page);
    await page.goto(`${base}/console/approvals`);
    await page.getByRole('button', { name: /Sign in with 127\.0\.0\.1/ }).click();
    await page.waitForURL(`${base}/console/approvals`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByText(`user:${oidcAdmin}`).count()).toBe(1);

    const q = idp.authorizeQueries.at(-1)!;
    expect({ method: q.get('code_challenge_method'), client: q.get('client_id'), redirect: q.get('redirect_uri'), type: q.get('response_type') }).toEqual({
      method: 'S256',
      client: CLIENT_ID,
      redirect: `${base}/console/callback`,
      type: 'code',
    });
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(idp.exchanges).toEqual([{ verifierMatches: true, redirectMatches: true }]);
    // Nothing left behind: no code in the address bar, no token or verifier in storage.
    expect(page.url()).not.toContain('code=');
    const storage = await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
    expect(storage).toBe('{}{}');
    expect(errors).toEqual([]);
    await page.close();
  });
});
