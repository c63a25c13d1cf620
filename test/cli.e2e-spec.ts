import { statSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { parse } from 'yaml';
import { startApp } from './helpers/app';
import { cliUser, type CliUser } from './helpers/cli';
import { bearer, tenantApiKey, tenantOnCatalogue } from './helpers/fixtures';
import { fleetEnv, type FleetEnv } from './helpers/fleet';
import { adminToken, tokenFor } from './helpers/tokens';

jest.setTimeout(60_000);

/** The real `berth` bin as child processes, against the real API (with its inline fleet writer) on real PostgreSQL. */
describe('berth CLI', () => {
  let app: NestFastifyApplication;
  let fleet: FleetEnv;
  let url: string;
  let user: CliUser;

  beforeAll(async () => {
    fleet = await fleetEnv();
    app = await startApp();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await fleet?.cleanup();
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

    it('signs in with the OIDC device flow (RFC 8628) against the discovery document of a stub issuer', async () => {
      const { tenant } = await tenantOnCatalogue(api());
      const accessToken = await tokenFor({ sub: `developer-${tenant.name}` });
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
            return send(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' });
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
      } finally {
        await new Promise((resolve) => idp.close(resolve));
      }
    });
  });
});
