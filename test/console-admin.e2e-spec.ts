import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Page } from 'playwright-core';
import { http, startApp } from './helpers/app';
import { launchBrowser, screenshot, seriousA11yViolations, type TestBrowser } from './helpers/browser';
import { bearer, uniqueName } from './helpers/fixtures';
import { FleetEnv, fleetEnv, foreignCommit, git, treeFiles } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { adminToken } from './helpers/tokens';

/**
 * The console's admin pages in Debian's Chromium against the real app (real PostgreSQL, a real bare fleet
 * repository, the inline fleet writer), served by the API itself at /console. One tab, one sign-in: the
 * credential lives in the tab's memory, so the tests move between pages through the console's own navigation.
 * Build the console first (`npm run -s build:console`).
 */
jest.setTimeout(60_000);

describe('console admin pages (real browser, real API)', () => {
  let env: FleetEnv;
  let app: NestFastifyApplication;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  let admin: string;
  /** Made over the API before the browser starts, so every list has real rows. */
  // The admin lists page by name, 100 at a time, over the run's one database (hundreds of clusters, tiers and tenants
  // from other spec files, mostly c…, tier… and t…): names starting with `aa` land on the first page.
  const first = (prefix: string) => uniqueName(`aa${prefix}`);
  const seed = { cluster: first('c'), doomed: first('c'), tier: first('tier'), tenant: first('t') };
  /** Made through the console. */
  const ui = { cluster: first('c'), tier: first('tier'), tenant: first('t'), member: `bob-${uniqueName()}` };

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true }).waitFor();

  /** axe-core finds nothing serious or critical, and a screenshot is kept. */
  async function checkPage(name: string) {
    await page
      .getByRole('status')
      .filter({ hasText: /^Loading/ })
      .first()
      .waitFor({ state: 'detached' });
    await screenshot(page, `admin-${name}`);
    expect(await seriousA11yViolations(page, `admin-${name}`)).toEqual([]);
  }

  beforeAll(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
    app = await startApp();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const api = http(app);
    const jwt = await adminToken();
    admin = (await api.post('/v1/api-keys').set(bearer(jwt)).send({ name: 'console-admin' }).expect(201)).body.key;
    await api
      .post('/v1/clusters')
      .set(bearer(admin))
      .send({ name: seed.cluster, displayName: 'Seeded cluster', labels: { env: 'test' } })
      .expect(201);
    await api.post('/v1/clusters').set(bearer(admin)).send({ name: seed.doomed }).expect(201);
    await api
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: seed.tier, resources: { 'requests.cpu': '1', 'limits.memory': '1Gi' } })
      .expect(201);
    await api
      .post('/v1/tenants')
      .set(bearer(admin))
      .send({
        name: seed.tenant,
        budget: { 'requests.cpu': '4' },
        allowedClusters: [seed.cluster],
        allowedTiers: [seed.tier],
        owners: [{ kind: 'User', name: 'seed-owner' }],
      })
      .expect(201);

    browser = await launchBrowser();
    page = await browser.page();
    // Through the sign-in page, once: the key then lives in this tab's memory for every test below.
    await page.goto(`${base}/console/admin/clusters`);
    await page.getByLabel('API key', { exact: true }).fill(admin);
    await page.getByRole('button', { name: 'Sign in with API key' }).click();
    await heading('Clusters');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.cleanup();
  });

  it('lists the clusters read from the API (after signing in with an admin key); registers and relabels a cluster', async () => {
    await nav('Clusters');
    await heading('Clusters');
    const seeded = page.getByRole('row').filter({ hasText: seed.cluster });
    await expect(seeded.textContent()).resolves.toMatch(/Seeded cluster.*push.*env=test.*not read yet/);

    await page.getByLabel('Name', { exact: true }).fill(ui.cluster);
    await page.getByLabel('Labels', { exact: true }).fill('env=staging\nregion=eu');
    await page.getByRole('button', { name: 'Register cluster' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Cluster ${ui.cluster} registered.` })
      .waitFor();
    const row = page.getByRole('row').filter({ hasText: ui.cluster });
    await expect(row.textContent()).resolves.toContain('region=eu');

    await page.getByRole('button', { name: `Edit cluster ${ui.cluster}` }).click();
    await page.getByLabel('Labels', { exact: true }).nth(1).fill('env=prod');
    await page.getByRole('button', { name: 'Save cluster' }).click();
    await page.getByRole('heading', { name: `Edit cluster ${ui.cluster}` }).waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: ui.cluster }).filter({ hasText: 'env=prod' }).waitFor();
    expect((await http(app).get(`/v1/clusters/${ui.cluster}`).set(bearer(admin)).expect(200)).body.labels).toEqual({ env: 'prod' });
    await checkPage('clusters');

    // Deleting by keyboard alone: Enter asks, Confirm has the focus, Escape returns it to the button.
    const focused = async () => {
      const element = page.locator(':focus');
      return (await element.getAttribute('aria-label')) ?? (await element.textContent());
    };
    await page.getByRole('button', { name: `Delete cluster ${seed.doomed}` }).focus();
    await page.keyboard.press('Enter');
    await expect(focused()).resolves.toBe('Confirm');
    await page.keyboard.press('Escape');
    await expect(focused()).resolves.toBe(`Delete cluster ${seed.doomed}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('row').filter({ hasText: seed.doomed }).waitFor({ state: 'detached' });
    await http(app).get(`/v1/clusters/${seed.doomed}`).set(bearer(admin)).expect(404);
  });

  it("creates a tier through the form, and shows the API's 409 words when deleting a tier in use", async () => {
    await nav('Tiers');
    await heading('Quota tiers');
    await page.getByRole('row').filter({ hasText: seed.tier }).filter({ hasText: 'requests.cpu=1' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill(ui.tier);
    await page.getByLabel('Resources').fill('requests.cpu=2\nlimits.memory=4Gi');
    await page.getByLabel('Approve requests within this tier automatically').uncheck();
    await page.getByRole('button', { name: 'Create tier' }).click();
    await expect(page.getByRole('row').filter({ hasText: ui.tier }).textContent()).resolves.toMatch(/limits\.memory=4Gi.*by a platform admin/);
    const stored = (await http(app).get(`/v1/quota-tiers/${ui.tier}`).set(bearer(admin)).expect(200)).body;
    expect(stored).toMatchObject({ resources: { 'requests.cpu': '2', 'limits.memory': '4Gi' }, autoApprove: false });

    await page.getByRole('button', { name: `Delete tier ${seed.tier}` }).click();
    await page
      .getByRole('group', { name: `Delete tier ${seed.tier}?` })
      .getByRole('button', { name: 'Confirm' })
      .click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(new RegExp(`Conflict:.*Quota tier ${seed.tier} is in use.*${seed.tenant}.*tier-in-use`));
    await page.getByRole('row').filter({ hasText: seed.tier }).waitFor();
    await checkPage('tiers');
  });

  it('creates a tenant through the form and opens its admin page from the link the form shows', async () => {
    await nav('Tenants');
    await heading('Tenants');
    await page.getByRole('row').filter({ hasText: seed.tenant }).filter({ hasText: 'requests.cpu=4' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill(ui.tenant);
    await page.getByLabel('Budget', { exact: true }).fill('requests.cpu=8\nnamespaces=3');
    await page.getByLabel('Allowed clusters').fill(`${seed.cluster}, ${ui.cluster}`);
    await page.getByLabel('Allowed tiers').fill(ui.tier);
    await page.getByLabel('First owner', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    // The list pages by id (a full run has hundreds of tenants): the form links to the one it created.
    const open = page.getByRole('link', { name: `Open the admin page of ${ui.tenant}`, exact: true });
    await open.waitFor();
    const stored = (await http(app).get(`/v1/tenants/${ui.tenant}`).set(bearer(admin)).expect(200)).body;
    expect(stored).toMatchObject({
      budget: { 'requests.cpu': '8', namespaces: 3 },
      allowedClusters: [seed.cluster, ui.cluster].sort(),
      allowedTiers: [ui.tier],
    });
    await checkPage('tenants');

    await open.click();
    await heading(`Tenant ${ui.tenant}`);
  });

  it("adds a member, and a tenant's last owner cannot be removed (the API's words)", async () => {
    const members = page.getByRole('region', { name: 'Members' });
    await members.getByRole('row').filter({ hasText: 'alice' }).filter({ hasText: 'owner' }).waitFor();
    await page.getByLabel('User or group name').fill(ui.member);
    await page.getByLabel('Role', { exact: true }).selectOption('developer');
    await page.getByRole('button', { name: 'Add member' }).click();
    await members.getByRole('row').filter({ hasText: ui.member }).filter({ hasText: 'developer' }).waitFor();

    await page.getByRole('button', { name: 'Remove User alice' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(members.getByRole('alert').textContent()).resolves.toMatch(/Conflict:.*A tenant must keep at least one owner.*last-owner/);
    await members.getByRole('row').filter({ hasText: 'alice' }).waitFor();

    await page.getByRole('button', { name: `Remove User ${ui.member}` }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await members.getByRole('row').filter({ hasText: ui.member }).waitFor({ state: 'detached' });
    await members.getByRole('status').filter({ hasText: 'Member removed.' }).waitFor();
    await page.getByLabel('User or group name').fill(ui.member);
    await page.getByRole('button', { name: 'Add member' }).click();
    await members.getByRole('row').filter({ hasText: ui.member }).waitFor();
  });

  it('creates an API key and shows its secret once, in a panel that can be dismissed', async () => {
    await page.getByLabel('Key name').fill('ci');
    await page.getByLabel('Key role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create key' }).click();
    const panel = page.getByRole('region', { name: 'New key ci' });
    const secret = (await panel.getByTestId('new-api-key').textContent())!;
    expect(secret).toMatch(/^berth_/);
    // The secret is a working credential of the tenant's viewer role.
    const me = (await http(app).get('/v1/me').set(bearer(secret)).expect(200)).body;
    expect(me.tenants).toEqual([{ name: ui.tenant, role: 'viewer' }]);
    await panel.getByRole('button', { name: 'Copy key' }).waitFor();
    await page.getByRole('region', { name: 'API keys' }).getByRole('row').filter({ hasText: 'ci' }).filter({ hasText: 'viewer' }).waitFor();

    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Revoke key ci' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('region', { name: 'API keys' }).getByRole('row').filter({ hasText: 'ci' }).filter({ hasText: 'revoked' }).waitFor();
    await http(app).get('/v1/me').set(bearer(secret)).expect(401);
  });

  it("edits the budget under If-Match; a stale version shows the API's 412 words and stores nothing", async () => {
    await page.getByText('Version 1,').waitFor();
    await page.getByLabel('Budget', { exact: true }).fill('requests.cpu=12\nnamespaces=4');
    await page.getByRole('button', { name: 'Save budget and rules' }).click();
    await page.getByText('Version 2,').waitFor();
    await expect(page.getByLabel('Budget', { exact: true }).inputValue()).resolves.toBe('requests.cpu=12\nnamespaces=4');

    // Someone else changes the tenant meanwhile: the form still holds version 2.
    await http(app).patch(`/v1/tenants/${ui.tenant}`).set(bearer(admin)).set('If-Match', '"2"').send({ displayName: 'Changed elsewhere' }).expect(200);
    await page.getByLabel('Budget', { exact: true }).fill('requests.cpu=99');
    await page.getByRole('button', { name: 'Save budget and rules' }).click();
    const alert = page.getByRole('region', { name: 'Budget and rules' }).getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/Precondition Failed:.*If-Match.*stale-version/);
    const stored = (await http(app).get(`/v1/tenants/${ui.tenant}`).set(bearer(admin)).expect(200)).body;
    expect(stored).toMatchObject({ version: 3, budget: { 'requests.cpu': '12', namespaces: 4 }, displayName: 'Changed elsewhere' });
    await checkPage('tenant');

    // The form offers the current version (dropping the edits), and saves against it.
    await page.getByRole('button', { name: 'Load the current version (drops these edits)' }).click();
    await page.getByText('Version 3,').waitFor();
    await expect(page.getByLabel('Display name').inputValue()).resolves.toBe('Changed elsewhere');
    await expect(page.getByLabel('Budget', { exact: true }).inputValue()).resolves.toBe('requests.cpu=12\nnamespaces=4');
  });

  it('shows the fleet writer and drift, and a confirmed reconcile rewrites the file someone changed by hand', async () => {
    // In sync first, then a hand-made commit changes one file Berth owns.
    await http(app).post('/v1/fleet/reconcile').set(bearer(admin)).expect(200);
    const owned = [...(await treeFiles(env.repo)).keys()].find((p) => p.split('/').includes(seed.cluster));
    expect(owned).toBeDefined();
    await foreignCommit(env, { [owned!]: 'changed by hand\n' });

    await nav('Fleet');
    await heading('Fleet');
    const writer = page.getByRole('region', { name: 'Fleet writer' });
    await expect(writer.locator('dl').textContent()).resolves.toMatch(
      /^State\s*ok.*Consecutive failures0.*Last push[0-9a-f]{40}.*Queue.*fleet\.git on branch main/s,
    );
    const drift = page.getByRole('region', { name: 'Drift' });
    await drift.getByRole('heading', { name: 'Changed (1)' }).waitFor();
    await drift.getByText(owned!, { exact: true }).waitFor();

    await drift.getByRole('button', { name: 'Reconcile the fleet repository' }).click();
    await drift.getByRole('button', { name: 'Confirm' }).click();
    const result = (await drift.locator('.reconcile-result').filter({ hasText: 'Reconciled' }).textContent())!;
    const sha = /commit ([0-9a-f]{40}) written/.exec(result)?.[1];
    expect(sha).toBe((await git(env.repo, ['rev-parse', 'main'])).trim());
    expect((await treeFiles(env.repo)).get(owned!)).not.toBe('changed by hand\n');
    await drift.getByText('no drift', { exact: true }).waitFor();
    await checkPage('fleet');
    // Reconcile and drift render every namespace in the database: late in a full run (one database for all
    // suites, thousands of namespaces) that takes longer than the file's 60 s default.
  }, 180_000);

  it('lists audit events newest first; the tenant and time filters narrow the list', async () => {
    await nav('Audit log');
    await heading('Audit log');
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(1).waitFor();
    const all = await rows.count();
    const times = await page
      .getByRole('table')
      .locator('tbody time')
      .evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    expect([...times].sort().reverse()).toEqual(times);

    await page.getByLabel('Tenant').fill(ui.tenant);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`tenant=${ui.tenant}`));
    const tenantCells = () => page.getByRole('table').locator('tbody tr td:nth-child(5)').allTextContents();
    const tenants = await waitFor(
      async () => {
        const cells = await tenantCells();
        return cells.length > 0 && cells.every((t) => t === ui.tenant) ? cells : null;
      },
      { timeoutMs: 10_000, what: 'the audit list filtered by tenant' },
    );
    expect(tenants.length).toBeGreaterThan(2);
    expect(tenants.length).toBeLessThan(all - 1);
    expect(new Set(tenants)).toEqual(new Set([ui.tenant]));
    await checkPage('audit');

    await page.getByLabel('Before (your local time)').fill('2001-01-01T00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No audit event matches these filters.').waitFor();
  });
});
