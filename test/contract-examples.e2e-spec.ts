import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { bearer } from './helpers/fixtures';
import { adminToken, tokenFor } from './helpers/tokens';

type Schema = Record<string, any>;
const document = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'openapi.json'), 'utf8'));
const schemas: Record<string, Schema> = document.components.schemas;

/**
 * The example body of a request schema, as documentation tools compose it: each property that has an example
 * (directly, or inside the object it refers to) takes it, required properties without one take the first enum
 * value or a placeholder; optional properties without an example are left out.
 */
export function exampleOf(schema: Schema, required = true): unknown {
  if (schema.$ref) return exampleOf(schemas[String(schema.$ref).split('/').pop()!], required);
  if (schema.allOf) return exampleOf(schema.allOf[0], required);
  if (schema.example !== undefined) return schema.example;
  if (schema.properties) {
    const needed = new Set<string>(schema.required ?? []);
    const entries = Object.entries(schema.properties as Record<string, Schema>)
      .map(([name, child]) => [name, exampleOf(child, needed.has(name))] as const)
      .filter(([, value]) => value !== undefined);
    return entries.length > 0 || required ? Object.fromEntries(entries) : undefined;
  }
  if (schema.type === 'array') {
    const item = exampleOf(schema.items, required);
    return item === undefined ? undefined : [item];
  }
  if (!required) return undefined;
  if (schema.enum) return schema.enum[0];
  return { string: 'example', integer: 1, number: 1, boolean: true, object: {} }[String(schema.type)];
}

const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-flux-secrets-'));
const fluxSecret = randomBytes(16).toString('hex');
let app: NestFastifyApplication;
let admin: string;
/** The tenant example's owner (`owners[0]`), who asks for namespaces. */
let owner: string;
const api = () => http(app);

beforeAll(async () => {
  process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR = secretDir;
  app = await startApp();
  admin = await adminToken();
  owner = await tokenFor({ sub: 'team-payments' });
}, 60_000);

afterAll(async () => {
  await app?.close();
  fs.rmSync(secretDir, { recursive: true, force: true });
});

interface Case {
  /** `METHOD /template` as in openapi.json. */
  operation: string;
  /** The concrete path (parameters filled in by earlier cases). */
  path: () => string;
  as: () => string;
  /** What must exist first, made with plain bodies (not examples). */
  before?: () => Promise<void>;
  /** Signed with the cluster's Flux webhook secret instead of a credential. */
  sign?: boolean;
  /** Needs DNS for the example's host name. */
  offline?: boolean;
}

const pending: string[] = [];

/** A request awaiting approval (tier `medium` needs a platform admin). */
async function pendingRequest(name: string): Promise<void> {
  const res = await api().post('/v1/tenants/payments/namespace-requests').set(bearer(owner)).send({ name, cluster: 'prod-eu-1', tier: 'medium' }).expect(201);
  expect(res.body.state).toBe('PendingApproval');
  pending.push(res.body.id);
}

/** In order: each case may rely on what the earlier examples created (prod-eu-1, small, payments, payments-api). */
const cases: Case[] = [
  {
    operation: 'POST /v1/clusters',
    path: () => '/v1/clusters',
    as: () => admin,
    before: async () => {
      for (const name of ['preview-eu-1', 'staging-eu-1']) await api().post('/v1/clusters').set(bearer(admin)).send({ name }).expect(201);
    },
  },
  { operation: 'PATCH /v1/clusters/{name}', path: () => '/v1/clusters/prod-eu-1', as: () => admin },
  {
    operation: 'POST /v1/quota-tiers',
    path: () => '/v1/quota-tiers',
    as: () => admin,
    before: async () => {
      await api()
        .post('/v1/quota-tiers')
        .set(bearer(admin))
        .send({ name: 'medium', resources: { 'requests.cpu': '4', 'limits.memory': '16Gi' }, autoApprove: false })
        .expect(201);
    },
  },
  { operation: 'PATCH /v1/quota-tiers/{name}', path: () => '/v1/quota-tiers/small', as: () => admin },
  { operation: 'POST /v1/tenants', path: () => '/v1/tenants', as: () => admin },
  { operation: 'PATCH /v1/tenants/{tenant}', path: () => '/v1/tenants/payments', as: () => admin },
  {
    // The example subject is the tenant example's owner: add it to another tenant.
    operation: 'POST /v1/tenants/{tenant}/members',
    path: () => '/v1/tenants/web/members',
    as: () => admin,
    before: async () => {
      await api().post('/v1/tenants').set(bearer(admin)).send({ name: 'web' }).expect(201);
    },
  },
  { operation: 'POST /v1/tenants/{tenant}/api-keys', path: () => '/v1/tenants/payments/api-keys', as: () => admin },
  { operation: 'POST /v1/api-keys', path: () => '/v1/api-keys', as: () => admin },
  { operation: 'POST /v1/tenants/{tenant}/namespace-requests', path: () => '/v1/tenants/payments/namespace-requests', as: () => owner },
  { operation: 'PATCH /v1/tenants/{tenant}/namespaces/{name}', path: () => '/v1/tenants/payments/namespaces/payments-api', as: () => owner },
  {
    operation: 'POST /v1/namespace-requests/{id}/approve',
    path: () => `/v1/namespace-requests/${pending[0]}/approve`,
    as: () => admin,
    before: () => pendingRequest('payments-approve'),
  },
  {
    operation: 'POST /v1/namespace-requests/{id}/reject',
    path: () => `/v1/namespace-requests/${pending[1]}/reject`,
    as: () => admin,
    before: () => pendingRequest('payments-reject'),
  },
  {
    operation: 'POST /v1/namespace-requests/{id}/cancel',
    path: () => `/v1/namespace-requests/${pending[2]}/cancel`,
    as: () => owner,
    before: () => pendingRequest('payments-cancel'),
  },
  { operation: 'POST /v1/tenants/{tenant}/previews', path: () => '/v1/tenants/payments/previews', as: () => owner },
  {
    operation: 'POST /v1/flux/events',
    path: () => '/v1/flux/events?cluster=prod-eu-1',
    as: () => '',
    sign: true,
    before: async () => fs.writeFileSync(path.join(secretDir, 'prod-eu-1'), fluxSecret),
  },
  { operation: 'POST /v1/tenants/{tenant}/webhooks', path: () => '/v1/tenants/payments/webhooks', as: () => owner, offline: true },
  { operation: 'POST /v1/webhooks', path: () => '/v1/webhooks', as: () => admin, offline: true },
];

const withBodies = Object.entries(document.paths as Record<string, Record<string, Schema>>).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([, operation]) => operation.requestBody?.content?.['application/json'])
    .map(([method]) => `${method.toUpperCase()} ${template}`),
);

describe('documented request examples are accepted', () => {
  it('covers every operation that takes a JSON body', () => {
    expect(cases.map((c) => c.operation).sort()).toEqual([...withBodies].sort());
  });

  it.each(cases.map((c) => [c.operation, c] as const))('%s: its example is a 2xx', async (operation, c) => {
    await c.before?.();
    const [method, template] = operation.split(' ');
    const body = exampleOf(document.paths[template][method.toLowerCase()].requestBody.content['application/json'].schema) as Record<string, unknown>;
    // Flux events older than the replay window (10 minutes) are refused: the example's timestamp is a date in the past.
    if (c.sign) body.timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const raw = JSON.stringify(body);
    let req = api()[method.toLowerCase() as 'post' | 'patch'](c.path()).set('Content-Type', 'application/json');
    if (c.sign) req = req.set('X-Signature', `sha256=${createHmac('sha256', fluxSecret).update(raw).digest('hex')}`);
    else req = req.set(bearer(c.as()));
    const res = await req.send(raw);
    // Webhook destinations must resolve (SSRF guard) and this machine has no DNS: the example got past validation.
    if (c.offline && res.status === 422 && res.body.details?.[0]?.code === 'webhook.destination-forbidden' && /does not resolve/.test(res.text)) return;
    if (res.status >= 300) throw new Error(`${operation} answered ${res.status} to its example ${raw}:\n${res.text}`);
    // A subscription to a real host must not outlive the test (events of other suites would be sent there).
    if (c.offline) await api().delete(`${c.path()}/${res.body.id}`).set(bearer(c.as())).expect(204);
  });
});
