import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { parse } from 'yaml';
import { startApp } from './helpers/app';
import { cliUser, type CliUser } from './helpers/cli';
import { bearer, newTenant, tenantApiKey, tenantOnCatalogue, uniqueName } from './helpers/fixtures';
import { fleetEnv, type FleetEnv } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { adminToken, tokenFor } from './helpers/tokens';

jest.setTimeout(60_000);

/** The real `berth` bin as child processes, against the real API (with its inline fleet writer) on real PostgreSQL. */
describe('berth CLI', () => {
  let app: NestFastifyApplication;
  let fleet: FleetEnv;
  let url: string;
  let user: CliUser;

  const fluxSecrets = mkdtempSync(join(tmpdir(), 'berth-cli-flux-'));
  const savedSecretDir = process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR;
  beforeAll(async () => {
    process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR = fluxSecrets;
    fleet = await fleetEnv();
    app = await startApp();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await fleet?.cleanup();
    if (savedSecretDir === undefined) delete process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR;
    else process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR = savedSecretDir;
    rmSync(fluxSecrets, { recursive: true, force: true });
  });
  beforeEach(async () => {
    user = await cliUser();
  });
  afterEach(async () => {
    await user.cleanup();
  });

  /** Fixtures through plain supertest: what the CLI does is the subject here, the API's contract has its own tests. */
  const api = () => request(app.getHttpServer());
  const configFile = () => join(user.configHome, 'berth', 'config.yaml');
  /** The CLI signed in through the environment, as in CI. */
  const as = (token: string, tenant?: string) => ({ env: { BERTH_URL: url, BERTH_TOKEN: token, BERTH_TENANT: tenant } });

  /** A cluster, an auto-approved tier, a tier that needs approval, and a tenant allowed both. */
  async function world(budget: Record<string, string | number> = { 'requests.cpu': '4', 'limits.memory': '16Gi', namespaces: 5 }) {
    const admin = await adminToken();
    const cluster = uniqueName('c');
    const small = uniqueName('small');
    const gated = uniqueName('gated');
    await api().post('/v1/clusters').set(bearer(admin)).send({ name: cluster }).expect(201);
    await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: small, resources: { 'requests.cpu': '1', 'limits.memory': '4Gi' } })
      .expect(201);
    await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: gated, resources: { 'requests.cpu': '1', 'limits.memory': '4Gi' }, autoApprove: false })
      .expect(201);
    const tenant = await newTenant(api(), { budget, allowedClusters: [cluster], allowedTiers: [small, gated] });
    return { admin, cluster, small, gated, tenant };
  }

  describe('login and contexts', () => {
    it('logs in with an API key from stdin: the config is 0600 in a 0700 folder, current, with the default tenant', async () => {
      const { tenant } = await tenantOnCatalogue(api());
      const key = await tenantApiKey(api(), tenant.name, 'developer');
      const login = await user.run(['login', url, '--api-key-stdin'], { input: `${key}\n` });
      expect(login).toMatchObject({ code: 0 });
      expect(login.stderr).toContain(`Logged in to ${url}`);
      expect(statSync(configFile()).mode & 0o777).toBe(0o600);
      expect(statSync(join(user.configHome, 'berth')).mode & 0o777).toBe(0o700);
      const config = parse(readFileSync(configFile(), 'utf8'));
      const name = `127.0.0.1-${new URL(url).port}`;
      expect(config).toEqual({ currentContext: name, contexts: { [name]: { url, token: key, tenant: tenant.name } } });
      const me = await user.run(['whoami', '-o', 'json']);
      expect(me.code).toBe(0);
      expect(JSON.parse(me.stdout)).toMatchObject({ kind: 'apiKey', tenants: [{ name: tenant.name, role: 'developer' }] });
    });

    it('refuses a wrong key in the API words (exit 1) and saves nothing', async () => {
      const res = await user.run(['login', url, '--api-key-stdin'], { input: 'berth_not-a-key' });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^Error: .+ \(HTTP 401\)/m);
      expect(res.stderr).toMatch(/requestId: \S+/);
      expect(() => statSync(configFile())).toThrow();
    });

    it('keeps several servers as contexts: get-contexts, use-context, --context, delete-context', async () => {
      const admin = await adminToken();
      const { tenant } = await tenantOnCatalogue(api());
      expect((await user.run(['login', url, '--name', 'admin', '--api-key-stdin'], { input: admin })).code).toBe(0);
      expect((await user.run(['login', url, '--name', 'dev', '--api-key-stdin'], { input: tenant.developer })).code).toBe(0);
      const list = await user.run(['config', 'get-contexts']);
      expect(list.stdout.split('\n')[0]).toMatch(/^CURRENT\s+NAME\s+URL\s+TENANT\s+AUTH$/);
      expect(list.stdout).toMatch(/^\*\s+dev\s+\S+\s+\S+\s+api-key$/m);
      expect(list.stdout).not.toContain(admin);
      expect((await user.run(['whoami', '-o', 'json'])).stdout).toContain(`developer-${tenant.name}`);
      expect(JSON.parse((await user.run(['whoami', '--context', 'admin', '-o', 'json'])).stdout)).toMatchObject({ platformRole: 'admin' });
      expect((await user.run(['config', 'use-context', 'admin'])).code).toBe(0);
      expect((await user.run(['config', 'current-context'])).stdout).toBe('admin\n');
      const missing = await user.run(['whoami', '--context', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('No context "nope"');
      expect((await user.run(['config', 'delete-context', 'dev'])).code).toBe(0);
      expect((await user.run(['config', 'get-contexts', '--names'])).stdout).toBe('admin\n');
    });

    it('uses BERTH_URL and BERTH_TOKEN without any config file (CI)', async () => {
      const { tenant } = await tenantOnCatalogue(api());
      const res = await user.run(['whoami', '-o', 'json'], { env: { BERTH_URL: url, BERTH_TOKEN: tenant.viewer, BERTH_TENANT: tenant.name } });
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ actor: `user:viewer-${tenant.name}` });
      const none = await user.run(['whoami']);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('Not logged in');
    });

    it('signs in with the OIDC device flow (RFC 8628) against the discovery document of a stub issuer, and renews an expired token', async () => {
      const { tenant } = await tenantOnCatalogue(api());
      const accessToken = await tokenFor({ sub: `developer-${tenant.name}` });
      const renewedToken = await tokenFor({ sub: `developer-${tenant.name}`, email: 'renewed@example.com' });
      const seen: string[] = [];
      let polls = 0;
      const idp: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          const base = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
          const send = (status: number, json: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
          seen.push(`${req.method} ${req.url} ${form.get('grant_type') ?? form.get('scope') ?? ''}`);
          if (req.url === '/.well-known/openid-configuration') {
            return send(200, { issuer: base, token_endpoint: `${base}/token`, device_authorization_endpoint: `${base}/device` });
          }
          if (req.url === '/device' && form.get('client_id') === 'berth-cli') {
            return send(200, { device_code: 'dc-1', user_code: 'WDJB-MJHT', verification_uri: `${base}/activate`, expires_in: 60, interval: 0.1 });
          }
          if (req.url === '/token' && form.get('device_code') === 'dc-1' && form.get('client_id') === 'berth-cli') {
            if (++polls < 2) return send(400, { error: 'authorization_pending' });
            // Expires at once: the next command renews it with the refresh token.
            return send(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 1, refresh_token: 'rt-1' });
          }
          if (req.url === '/token' && form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'rt-1') {
            return send(200, { access_token: renewedToken, token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-2' });
          }
          send(400, { error: 'invalid_request' });
        });
      });
      await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
      const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      try {
        const res = await user.run(['login', url, '--issuer', issuer, '--name', 'sso']);
        expect(res.stderr).toContain(`open ${issuer}/activate and enter the code WDJB-MJHT`);
        expect(res.code).toBe(0);
        expect(polls).toBe(2);
        expect(seen[1]).toBe('POST /device openid profile email offline_access');
        const context = parse(readFileSync(configFile(), 'utf8')).contexts.sso;
        expect(context).toMatchObject({ url, token: accessToken, tenant: tenant.name, oidc: { issuer, clientId: 'berth-cli', refreshToken: 'rt-1' } });
        expect(statSync(configFile()).mode & 0o777).toBe(0o600);

        const me = await user.run(['whoami', '-o', 'json']);
        expect(me.code).toBe(0);
        expect(JSON.parse(me.stdout)).toMatchObject({ actor: `user:developer-${tenant.name}`, email: 'renewed@example.com' });
        expect(seen).toContain('POST /token refresh_token');
        expect(parse(readFileSync(configFile(), 'utf8')).contexts.sso).toMatchObject({ token: renewedToken, oidc: { refreshToken: 'rt-2' } });
      } finally {
        await new Promise((resolve) => idp.close(resolve));
      }
    });
  });

  describe('reading', () => {
    it('lists tenants and namespaces as a table, as JSON, and as YAML that parses to the same', async () => {
      const { cluster, small, tenant } = await world();
      const name = `${tenant.name}-web`;
      await api().post(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.developer)).send({ name, cluster, tier: small }).expect(201);

      const table = await user.run(['tenants', 'ls'], as(tenant.viewer));
      expect(table.code).toBe(0);
      const [head, ...rows] = table.stdout.trimEnd().split('\n');
      expect(head).toMatch(/^NAME\s+DISPLAY NAME\s+CLUSTERS\s+TIERS\s+BUDGET\s+AGE$/);
      expect(rows).toEqual([expect.stringMatching(new RegExp(`^${tenant.name}\\s+-\\s+${cluster}\\s+`))]);
      const json = JSON.parse((await user.run(['tenants', 'ls', '-o', 'json'], as(tenant.viewer))).stdout);
      expect(json).toEqual([expect.objectContaining({ name: tenant.name, allowedClusters: [cluster] })]);

      const nsTable = await user.run(['ns', 'ls'], as(tenant.viewer, tenant.name));
      expect(nsTable.code).toBe(0);
      expect(nsTable.stdout).toMatch(/^NAME\s+CLUSTER\s+STATE\s+TIER\s+COMMIT\s+EXPIRES\s+AGE$/m);
      expect(nsTable.stdout).toMatch(new RegExp(`^${name}\\s+${cluster}\\s+(Approved|Committed)\\s+${small}\\s`, 'm'));
      const nsJson = JSON.parse((await user.run(['ns', 'ls', '-o', 'json', '-t', tenant.name], as(tenant.viewer))).stdout);
      expect(nsJson).toEqual([expect.objectContaining({ name, cluster, tenant: tenant.name, resources: { 'requests.cpu': '1', 'limits.memory': '4Gi' } })]);
      const nsYaml = await user.run(['namespaces', 'list', '--output', 'yaml'], as(tenant.viewer, tenant.name));
      expect(parse(nsYaml.stdout)).toEqual(nsJson);

      const one = await user.run(['ns', 'get', name, '-o', 'yaml'], as(tenant.viewer, tenant.name));
      expect(parse(one.stdout)).toMatchObject({ name, cluster, spec: { tier: small } });
      const usage = await user.run(['usage'], as(tenant.viewer, tenant.name));
      expect(usage.stdout).toMatch(/^namespaces\s+5\s+1\s+-\s+-\s+4$/m);
      expect(usage.stdout).toMatch(/^requests\.cpu\s+4\s+1\s+/m);
    });

    it('says in the API words when a tenant is unknown (exit 1), and asks for a tenant when none is set (exit 2)', async () => {
      const { tenant } = await world();
      const missing = await user.run(['ns', 'ls', '-t', 'nosuchtenant'], as(tenant.viewer));
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^Error: .*nosuchtenant.* \(HTTP 404\)$/m);
      expect(missing.stderr).toMatch(/requestId: /);
      const none = await user.run(['ns', 'ls'], as(tenant.viewer));
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('No tenant: pass --tenant');
    });
  });

  describe('requests and decisions', () => {
    it('prints the decision of a dry run and stores nothing: exit 0 approve, 4 needs approval', async () => {
      const { cluster, small, gated, tenant } = await world();
      const ok = await user.run(['ns', 'request', `${tenant.name}-dry`, '--cluster', cluster, '--tier', small, '--dry-run'], as(tenant.developer, tenant.name));
      expect(ok).toMatchObject({ code: 0, stdout: 'decision: approve (dry run: nothing was stored)\n' });
      const gatedRun = await user.run(
        ['ns', 'request', `${tenant.name}-dry`, '--cluster', cluster, '--tier', gated, '--dry-run', '-o', 'json'],
        as(tenant.developer, tenant.name),
      );
      expect(gatedRun.code).toBe(4);
      expect(JSON.parse(gatedRun.stdout).decision).toMatchObject({
        outcome: 'needs-approval',
        reasons: [expect.objectContaining({ code: 'tier.requires-approval' })],
      });
      const stored = await api().get(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.viewer)).expect(200);
      expect(stored.body.items).toHaveLength(0);
    });

    it('denied by policy: exit 3 with every reason as field, code and message, and the request id', async () => {
      const { cluster, small, tenant } = await world({ 'limits.memory': '2Gi' });
      const res = await user.run(
        ['ns', 'request', `${tenant.name}-big`, '--cluster', cluster, '--tier', small, '--label', 'kubernetes.io/x=y'],
        as(tenant.developer, tenant.name),
      );
      expect(res.code).toBe(3);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^Error: Policy denied the request: .* \(HTTP 422\)$/m);
      expect(res.stderr).toMatch(/^ {2}resources\.limits\.memory budget\.exceeded limits\.memory 4Gi exceeds budget.*\(limit 2Gi\)$/m);
      expect(res.stderr).toMatch(/^ {2}labels\.\S+ labels\.reserved /m);
      expect(res.stderr).toMatch(/^ {2}requestId: \S+$/m);
    });

    it('pending approval exits 4 with the reasons; four eyes refuses the requester (exit 1, the API words); another admin approves', async () => {
      const { cluster, gated, tenant } = await world();
      const requester = await adminToken('cli-alice-admin');
      const name = `${tenant.name}-gated`;
      const asked = await user.run(
        ['ns', 'request', name, '--cluster', cluster, '--tier', gated, '--reason', 'launch', '-o', 'json'],
        as(requester, tenant.name),
      );
      expect(asked.code).toBe(4);
      const request = JSON.parse(asked.stdout);
      expect(request).toMatchObject({ state: 'PendingApproval', namespace: name, reason: 'launch' });
      expect(asked.stderr).toContain(`Request ${request.id} waits for a platform admin's approval`);
      expect(asked.stderr).toMatch(/^ {2}tier tier\.requires-approval /m);

      const queue = await user.run(['requests', 'ls', '-A', '--state', 'PendingApproval'], as(await adminToken()));
      expect(queue.stdout).toMatch(
        new RegExp(
          `^${request.id}\\s+${tenant.name}\\s+Create\\s+${name}\\s+${cluster}\\s+PendingApproval\\s+tier\\.requires-approval\\s+user:cli-alice-admin\\s`,
          'm',
        ),
      );

      const own = await user.run(['requests', 'approve', request.id], as(requester));
      expect(own.code).toBe(1);
      expect(own.stderr).toMatch(/^Error: .*four-eyes.* \(HTTP 403\)$/im);

      const approved = await user.run(['requests', 'approve', request.id, '--comment', 'ok', '-o', 'json'], as(await adminToken('cli-bob-admin')));
      expect(approved.code).toBe(0);
      expect(JSON.parse(approved.stdout)).toMatchObject({ id: request.id, state: 'Approved', decidedBy: 'user:cli-bob-admin', comment: 'ok' });
      const again = await user.run(['requests', 'reject', request.id, '--comment', 'late'], as(await adminToken()));
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/\(HTTP 409\)/);
    });

    it('--wait follows a request until it is Committed to the fleet repository, one line per state on a pipe', async () => {
      const { cluster, small, tenant } = await world();
      const name = `${tenant.name}-waited`;
      const res = await user.run(
        ['ns', 'request', name, '--cluster', cluster, '--tier', small, '--wait', '--timeout', '30s', '-o', 'json'],
        as(tenant.developer, tenant.name),
      );
      expect(res.code).toBe(0);
      const request = JSON.parse(res.stdout);
      expect(request).toMatchObject({ namespace: name, state: 'Committed', commitSha: expect.stringMatching(/^[0-9a-f]{40}$/) });
      const lines = res.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^request ${request.id.slice(0, 8)} \\(Create ${name}\\): Approved \\(\\d+s\\)$`));
      expect(lines[lines.length - 1]).toMatch(/: Committed \(\d+s\)$/);
      const ns = await api().get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).expect(200);
      expect(ns.body.commitSha).toBe(request.commitSha);
    });

    it('--wait ready follows the namespace past the commit until Flux reports the revision applied (Ready)', async () => {
      const { cluster, small, tenant } = await world();
      const name = `${tenant.name}-ready`;
      const waiting = user.run(['ns', 'request', name, '--cluster', cluster, '--tier', small, '--wait', 'ready', '--timeout', '40s', '-o', 'json'], {
        ...as(tenant.developer, tenant.name),
        timeoutMs: 50_000,
      });
      const commitSha = await waitFor(
        async () => (await api().get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer))).body.commitSha as string | undefined,
        { what: 'the commit', timeoutMs: 30_000 },
      );
      // Flux's notification-controller reports the revision applied (generic-hmac Provider, see README "Status from the clusters").
      const secret = randomBytes(16).toString('hex');
      writeFileSync(join(fluxSecrets, cluster), secret);
      const event = JSON.stringify({
        involvedObject: {
          kind: 'Kustomization',
          namespace: 'flux-system',
          name: 'berth-tenants',
          uid: randomUUID(),
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        },
        severity: 'info',
        timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        message: 'Reconciliation finished',
        reason: 'ReconciliationSucceeded',
        metadata: { revision: `main@sha1:${commitSha}` },
        reportingController: 'kustomize-controller',
      });
      await api()
        .post(`/v1/flux/events?cluster=${cluster}`)
        .set('content-type', 'application/json')
        .set('X-Signature', `sha256=${createHmac('sha256', secret).update(event).digest('hex')}`)
        .send(event)
        .expect(202);
      const res = await waiting;
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ name, state: 'Ready', commitSha });
      expect(res.stderr).toMatch(/: namespace Ready \(\d+s\)$/m);
    });

    it('--wait on a request pending approval times out with exit 4; the requester cancels it', async () => {
      const { cluster, gated, tenant } = await world();
      const res = await user.run(
        ['ns', 'request', `${tenant.name}-slow`, '--cluster', cluster, '--tier', gated, '--wait', '--timeout', '1s', '-o', 'json'],
        as(tenant.developer, tenant.name),
      );
      expect(res.code).toBe(4);
      expect(res.stderr).toContain('Timed out: the request is still PendingApproval');
      const { id } = JSON.parse(res.stdout);
      const cancelled = await user.run(['requests', 'cancel', id, '-o', 'json'], as(tenant.developer));
      expect(cancelled.code).toBe(0);
      expect(JSON.parse(cancelled.stdout).state).toBe('Cancelled');
    });

    it('sends one Idempotency-Key per command: the same key twice replays the first answer, never a second request', async () => {
      const { cluster, small, tenant } = await world();
      const args = ['ns', 'request', `${tenant.name}-once`, '--cluster', cluster, '--tier', small, '--idempotency-key', 'cli-retry-1', '-o', 'json'];
      const first = await user.run(args, as(tenant.developer, tenant.name));
      const second = await user.run(args, as(tenant.developer, tenant.name));
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout).id).toBe(JSON.parse(first.stdout).id);
      const stored = await api().get(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.viewer)).expect(200);
      expect(stored.body.items).toHaveLength(1);
    });
  });

  describe('changes, deletes, keys, previews and the fleet', () => {
    it('changes with If-Match (a stale version is 412, exit 1), dry-runs a delete, and deletes', async () => {
      const { cluster, small, gated, tenant } = await world();
      const name = `${tenant.name}-chg`;
      await api().post(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.developer)).send({ name, cluster, tier: small }).expect(201);
      const { version } = (await api().get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).expect(200)).body;
      const stale = await user.run(['ns', 'change', name, '--label', 'team=web', '--if-match', String(version + 1)], as(tenant.developer, tenant.name));
      expect(stale.code).toBe(1);
      expect(stale.stderr).toMatch(/\(HTTP 412\)/);
      const changed = await user.run(['ns', 'change', name, '--tier', gated, '--if-match', String(version), '-o', 'json'], as(tenant.developer, tenant.name));
      expect(changed.code).toBe(4);
      const change = JSON.parse(changed.stdout);
      expect(change).toMatchObject({ kind: 'Change', state: 'PendingApproval', spec: { tier: gated } });
      const cancelled = await user.run(['requests', 'cancel', change.id], as(tenant.developer));
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout).toMatch(new RegExp(`^id:\\s+${change.id}\nkind:\\s+Change\n`));
      expect(cancelled.stdout).toMatch(/^state:\s+Cancelled$/m);
      expect(cancelled.stdout).toMatch(/^reasons:\n {2}tier tier\.requires-approval /m);
      const dry = await user.run(['ns', 'delete', name, '--dry-run'], as(tenant.owner, tenant.name));
      expect(dry).toMatchObject({ code: 0, stdout: expect.stringContaining('decision: approve') });
      const deleted = await user.run(['ns', 'rm', name, '-o', 'json'], as(tenant.owner, tenant.name));
      expect(deleted).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(deleted.stdout)).toMatchObject({ kind: 'Delete', state: 'Approved', namespace: name });
    });

    it('creates a preview key, runs a preview with it, lists and revokes keys; shows fleet status and drift', async () => {
      const { admin, cluster, small, tenant } = await world();
      const created = await user.run(['keys', 'create', 'ci', '--role', 'preview', '-o', 'json'], as(tenant.owner, tenant.name));
      expect(created.code).toBe(0);
      expect(created.stderr).toContain('shown once');
      const key = JSON.parse(created.stdout);
      expect(key).toMatchObject({ name: 'ci', role: 'preview', tenant: tenant.name, key: expect.stringMatching(/^berth_/) });
      const preview = await user.run(
        ['previews', 'create', '--repository', 'acme/web', '--pr', '7', '--sha', 'a1b2c3d', '--tier', small, '--cluster', cluster, '-o', 'json'],
        as(key.key, tenant.name),
      );
      expect(preview.code).toBe(0);
      expect(JSON.parse(preview.stdout)).toMatchObject({ pullRequest: 7, namespace: `${tenant.name}-pr-7`, request: { kind: 'Create' } });
      const previews = await user.run(['previews', 'ls'], as(key.key, tenant.name));
      expect(previews.stdout).toMatch(new RegExp(`^7\\s+${tenant.name}-pr-7\\s+${cluster}\\s`, 'm'));
      const keys = await user.run(['keys', 'ls'], as(tenant.owner, tenant.name));
      expect(keys.stdout).toMatch(new RegExp(`^${key.id}\\s+ci\\s+preview\\s+${tenant.name}\\s`, 'm'));
      expect(keys.stdout).not.toContain(key.key);
      expect((await user.run(['keys', 'revoke', key.id], as(tenant.owner, tenant.name))).code).toBe(0);
      expect((await user.run(['previews', 'ls'], as(key.key, tenant.name))).code).toBe(1);

      const status = await user.run(['fleet', 'status', '-o', 'json'], as(admin));
      expect(JSON.parse(status.stdout)).toMatchObject({ branch: 'main', writer: { state: 'ok' } });
      // Drift compares the repository with every approved namespace: let the writer commit what earlier tests approved.
      await waitFor(async () => (await api().get('/v1/fleet/status').set(bearer(admin)).expect(200)).body.pendingRequests === 0, {
        what: 'the fleet queue to drain',
        timeoutMs: 30_000,
      });
      // Clusters of earlier tests that never got a namespace have no files yet, and namespaces that other spec files'
      // writers committed to their own repositories (one database per run) are not in this one: drift lists them as
      // missing, reconcile writes them.
      const drift = await user.run(['fleet', 'drift', '--exit-code'], as(admin));
      if (drift.code !== 0) {
        const [header, ...rows] = drift.stdout.trimEnd().split('\n');
        expect(header).toMatch(/^DRIFT\s+PATH\s+OWNERS$/);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(row).toMatch(/^missing\s+(clusters|tenants)\/\S+\s+-$/);
        const reconciled = await user.run(['fleet', 'reconcile'], as(admin));
        expect(reconciled.stdout).toMatch(/^Reconciled in commit [0-9a-f]{40}$/m);
      }
      const clean = await user.run(['fleet', 'drift', '--exit-code'], as(admin));
      expect({ code: clean.code, out: clean.stdout }).toEqual({ code: 0, out: '' });
      expect(clean.stderr).toMatch(/^No drift at [0-9a-f]{12}\.$/m);
      expect((await user.run(['fleet', 'status'], as(tenant.owner))).code).toBe(1);
    });
  });

  describe('usage errors', () => {
    it('exits 2 on an unknown command or option, a missing option and a bad value, with the usage hint', async () => {
      const cases = [
        ['nsx', 'ls'],
        ['ns', 'ls', '--bogus'],
        ['ns', 'request', 'x-web'],
        ['tenants', 'ls', '-o', 'xml'],
        ['ns', 'request', 'x-a', '--cluster', 'c', '--label', 'novalue'],
      ];
      const results = await Promise.all(cases.map((args) => user.run(args, as('berth_unused'))));
      expect(results.map((r) => r.code)).toEqual(cases.map(() => 2));
      for (const res of results) expect(res.stderr).toMatch(/^error: .+\n(\(Did you mean .+\)\n)?\(add --help for usage\)\n$/);
      const help = await user.run(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('4  pending approval');
    });
  });

  describe('completion', () => {
    it('generates bash, zsh and fish scripts from the command tree; bash completes subcommands and option values', async () => {
      const bash = await user.run(['completion', 'bash']);
      expect(bash.code).toBe(0);
      expect(bash.stdout).toContain('complete -F _berth_completion berth');
      for (const word of ['tenants', 'requests', 'approve', 'previews', 'reconcile', 'get-contexts', '--dry-run', '--wait'])
        expect(bash.stdout).toContain(word);
      const complete = (words: string) =>
        execFileSync(
          'bash',
          ['-c', `${bash.stdout}\nCOMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _berth_completion; echo "\${COMPREPLY[*]}"`],
          { encoding: 'utf8' },
        ).trim();
      expect(complete("berth ns ''").split(' ')).toEqual(expect.arrayContaining(['ls', 'get', 'request', 'change', 'delete']));
      expect(complete('berth namespaces request x --ti')).toBe('--tier --timeout');
      expect(complete("berth requests ls -o ''")).toBe('table json yaml');
      const zsh = await user.run(['completion', 'zsh']);
      expect(zsh.stdout).toMatch(/^#compdef berth/);
      expect(zsh.stdout).toContain("'approve:Approve a pending request");
      const fish = await user.run(['completion', 'fish']);
      expect(fish.stdout).toContain("complete -c berth -n 'test (__berth_path) = '\\''berth fleet'\\''' -a 'drift'");
      expect((await user.run(['completion', 'tcsh'])).code).toBe(2);
    });
  });
});
