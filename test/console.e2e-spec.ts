import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { http as api, startApp } from './helpers/app';
import { launchBrowser, screenshot, seriousA11yViolations, type TestBrowser } from './helpers/browser';
import { ADMIN_GROUP } from './helpers/constants';
import { bearer, catalogue, newTenant, tenantApiKey, type TenantFixture } from './helpers/fixtures';
import { fleetEnv, type FleetEnv } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { adminToken } from './helpers/tokens';

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

async function signInWithKey(page: Page, key: string, path = '/console/'): Promise<void> {
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

  it('a callback this tab did not start is refused before any token exchange, and the code leaves the address bar', async () => {
    const exchanges = idp.exchanges.length;
    const page = await browser.page();
    await page.goto(`${base}/console/callback?code=stolen&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('No sign-in was started from this tab');
    expect(page.url()).toBe(`${base}/console/callback`);
    expect(idp.exchanges.length).toBe(exchanges);
    await page.close();
  });
});

describe('the request → approve → committed flow in the browser', () => {
  let t: TenantFixture;
  let cluster: string;
  let gated: string;
  let small: string;
  let devKey: string;
  let approverKey: string;
  let developer: Page;
  let approver: Page;
  let pageErrors: string[];
  const web = () => `${t.name}-web`;

  beforeAll(async () => {
    const world = await catalogue(api(app), { 'requests.cpu': '500m', 'limits.memory': '1Gi' });
    cluster = world.cluster;
    small = world.tier;
    gated = `${world.tier}-gated`;
    await api(app)
      .post('/v1/quota-tiers')
      .set(bearer(world.admin))
      .send({ name: gated, displayName: 'Large (needs approval)', resources: { 'requests.cpu': '1', 'limits.memory': '2Gi' }, autoApprove: false })
      .expect(201);
    t = await newTenant(api(app), {
      allowedClusters: [cluster],
      allowedTiers: [world.tier, gated],
      budget: { 'requests.cpu': '2', 'limits.memory': '4Gi', namespaces: 5 },
    });
    devKey = await tenantApiKey(api(app), t.name, 'developer');
    // Another admin's key approves: the developer key's creator is accountable for its requests (four eyes).
    approverKey = (
      await api(app)
        .post('/v1/api-keys')
        .set(bearer(await adminToken()))
        .send({ name: 'console-approver' })
        .expect(201)
    ).body.key;
    // A running namespace whose Change (to the gated tier) waits for approval: the queue shows the diff.
    await api(app)
      .post(`/v1/tenants/${t.name}/namespace-requests`)
      .set(bearer(devKey))
      .send({ name: `${t.name}-api`, cluster, tier: world.tier })
      .expect(201);
    await api(app)
      .patch(`/v1/tenants/${t.name}/namespaces/${t.name}-api`)
      .set(bearer(devKey))
      .send({ tier: gated, labels: { team: 'checkout' } })
      .expect(201);
    developer = await browser.page();
    approver = await browser.page();
    pageErrors = [...watchConsoleErrors(developer), ...watchConsoleErrors(approver)];
  });
  afterAll(async () => {
    await developer?.close();
    await approver?.close();
  });

  it('the dry run shows a budget reason next to its field before anything is submitted', async () => {
    await signInWithKey(developer, devKey);
    await developer.waitForURL(`${base}/console/tenants/${t.name}`);
    await developer.getByRole('link', { name: 'Request a namespace' }).first().click();
    await developer.getByLabel('Namespace name').fill(`${t.name}-big`);
    await developer.getByLabel('Explicit resources').check();
    await developer.getByLabel('requests.cpu', { exact: true }).fill('5');
    const reason = developer.locator('#why-resources-requests-cpu');
    await reason.getByText('budget.exceeded').waitFor();
    expect(await reason.textContent()).toContain('exceeds budget');
    expect(await developer.getByLabel('requests.cpu', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await developer.getByText('would be denied').waitFor();
    // Nothing was stored: dry runs only.
    const stored = await api(app).get(`/v1/tenants/${t.name}/namespace-requests`).set(bearer(t.owner)).expect(200);
    expect(stored.body.items.filter((r: { namespace: string }) => r.namespace === `${t.name}-big`)).toEqual([]);
    await screenshot(developer, 'request-form-budget');
  });

  it('a developer requests a namespace that needs approval and sees the reasons', async () => {
    await developer.getByLabel('A quota tier').check();
    await developer.getByLabel('Namespace name').fill(web());
    await developer.getByLabel('Tier', { exact: true }).selectOption(gated);
    await developer.getByLabel('Why is it needed? (shown to approvers)').fill('Load tests for the checkout service');
    await developer.locator('#why-tier').getByText('tier.requires-approval').waitFor();
    await developer.getByText('would need a platform admin’s approval').waitFor();
    await screenshot(developer, 'request-form');
    expect(await seriousA11yViolations(developer, 'request-form')).toEqual([]);

    await developer.getByRole('button', { name: 'Submit request' }).click();
    const result = developer.getByRole('region', { name: new RegExp(`Request for ${web()}`) });
    await result.getByText('Pending approval').waitFor();
    expect(await result.textContent()).toContain('tier.requires-approval');

    await result.getByRole('link', { name: `Follow request ${web()}` }).click();
    await developer.getByText('Waiting for a platform admin').waitFor();
    await developer.getByText('Requested (Create)').waitFor();
    await screenshot(developer, 'request-detail-pending');
    expect(await seriousA11yViolations(developer, 'request-detail')).toEqual([]);
  });

  it('an admin sees it in the queue with its reasons and budget, and approves it; their own request cannot be decided', async () => {
    // The approver's own request: shown, but not decidable.
    const own = `${t.name}-own`;
    const mine = await fetch(`${base}/v1/tenants/${t.name}/namespace-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${approverKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: own, cluster, tier: gated }),
    });
    expect(mine.status).toBe(201);
    const ownId = ((await mine.json()) as { id: string }).id;

    await signInWithKey(approver, approverKey);
    await approver.waitForURL(`${base}/console/approvals`);
    const item = approver.getByRole('article', { name: new RegExp(`Create ${web()}$`) });
    await item.waitFor();
    const text = (await item.textContent()) ?? '';
    for (const expected of [t.name, cluster, 'tier.requires-approval', 'Tier ' + gated, 'Load tests for the checkout service', 'apikey:developer-key']) {
      expect(text).toContain(expected);
    }
    // requested next to the tier, budget and allocated
    const cpu = item.getByRole('row', { name: /requests\.cpu/ });
    expect((await cpu.textContent())?.replace(/\s+/g, ' ')).toMatch(/requests\.cpu\s*1\s*1\s*2\s*500m/);

    const ownItem = approver.getByRole('article', { name: new RegExp(`Create ${own}$`) });
    await ownItem.waitFor();
    expect(await ownItem.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect(await ownItem.getByRole('button', { name: 'Reject' }).isDisabled()).toBe(true);
    expect(await ownItem.textContent()).toContain('You cannot decide this request: you are accountable for it');
    const change = approver.getByRole('article', { name: new RegExp(`Change ${t.name}-api$`) });
    const diff = change.getByRole('table', { name: `Change of ${t.name}-api: current vs requested spec` });
    expect((await diff.getByRole('row', { name: /^tier/ }).textContent())?.replace(/\s+/g, ' ')).toMatch(new RegExp(`tier\\s*${small}\\s*${gated}`));
    expect(await diff.getByRole('row', { name: /labels\.team/ }).textContent()).toContain('checkout');
    // Oldest first: the Change (asked before the tests ran), then the developer's request, then the admin's own.
    const order = await approver.getByRole('article').evaluateAll((els) => els.map((e) => e.querySelector('h2')?.textContent ?? ''));
    const at = (name: string) => order.findIndex((h) => h.endsWith(name));
    expect([at(`${t.name}-api`), at(web()), at(own)].every((i, k, all) => i >= 0 && (k === 0 || i > all[k - 1]))).toBe(true);
    await screenshot(approver, 'approvals');
    expect(await seriousA11yViolations(approver, 'approvals')).toEqual([]);
    // The API agrees: four eyes.
    const self = await fetch(`${base}/v1/namespace-requests/${ownId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${approverKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(self.status).toBe(403);

    await item.getByLabel(/^Comment/).fill('Approved for the load-test week');
    await item.getByRole('button', { name: 'Approve' }).press('Enter'); // by keyboard
    await approver.getByRole('status').getByText(`Approved ${web()}`).waitFor();
    await approver.getByRole('article', { name: new RegExp(`Create ${web()}$`) }).waitFor({ state: 'detached' });
    // The admin reads the request's timeline from the audit trail.
    await approver.getByRole('status').getByRole('link', { name: web() }).click();
    await approver
      .locator('ol.timeline > li.done', { hasText: 'apikey:console-approver' })
      .locator('strong', { hasText: /^Approved$/ })
      .waitFor();
    expect(await approver.getByText('From the request’s own record').count()).toBe(0);
  });

  it('the developer sees the namespace Committed, with its commit, and the request timeline', async () => {
    await developer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: t.name }).click();
    const row = developer.locator(`tr[data-namespace="${web()}"]`);
    await row.waitFor();
    await waitFor(async () => /Committed|Ready/.test((await row.locator('[aria-current="step"]').textContent()) ?? ''), {
      timeoutMs: 30_000,
      what: 'the namespace Committed in the browser',
      intervalMs: 250,
    });
    expect(await row.locator('code').first().textContent()).toMatch(/^[0-9a-f]{8}$/);
    await developer.getByRole('img', { name: /^requests\.cpu: allocated / }).waitFor();
    await screenshot(developer, 'tenant');
    // Keyboard: the first Tab stop is the skip link, and it moves focus to the page's main content.
    await developer.evaluate("document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex')");
    await developer.keyboard.press('Tab');
    expect(await developer.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await developer.keyboard.press('Enter');
    await waitFor(async () => (await developer.evaluate('document.activeElement.id')) === 'main', { timeoutMs: 5000, what: 'focus on main' });
    expect(await seriousA11yViolations(developer, 'tenant')).toEqual([]);

    await row.getByRole('link', { name: web() }).click();
    await developer.getByText('Committed to the fleet repository').waitFor();
    await developer.locator('ol.timeline > li.done strong', { hasText: /^Approved$/ }).waitFor();
    expect(await developer.locator('ol.timeline').textContent()).toContain('Approved for the load-test week');
    await screenshot(developer, 'request-detail');
    expect(pageErrors).toEqual([]);
  });
});
