import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AUTHENTICATED_ONLY, IS_PUBLIC, REQUIRED_POLICY, RequiredPolicy } from '@berth/authz';
import { http, startApp } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { apiKeyHeader, bearer, newTenant, TenantFixture, tenantOnCatalogue, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

/**
 * The policies guard alone enforces every route. Method:
 * 1. Enumerate every route from the running app: Nest's controllers (path, method, security metadata)
 *    cross-checked against Fastify's router (no route outside Nest but the OpenAPI/Swagger ones). A
 *    route with no declared policy, or missing from the table below, fails the test.
 * 2. Replace every method of every controller's dependencies (the services) with a tripwire that throws
 *    (→ 500). A service can then neither check nor refuse anything: a 403/404 can only come from the guard.
 * 3. Call each route as callers who lack its action: each must get exactly the table's 403/404, and no
 *    tripwire may fire. Callers who hold the action get through the guard (the tripwire fires or the
 *    params/body validation answers), which shows the tripwires are live.
 */
type Caller = 'outsider' | 'viewer' | 'developer' | 'owner' | 'previewKey' | 'clusterKey' | 'admin' | 'ownAdmin';
type Expect = 403 | 404 | 'pass';

let app: NestFastifyApplication;
const api = () => http(app);
let t: TenantFixture;
let cluster: string;
const headers = {} as Record<Caller, Record<string, string>>;
let pendingId: string;

/** Expected guard outcome per caller; callers not listed are not run for that route. */
const TABLE: Record<string, Partial<Record<Caller, Expect>>> = {
  'GET /v1/clusters': { previewKey: 403, clusterKey: 403, viewer: 'pass' },
  'POST /v1/clusters': { owner: 403, previewKey: 403, clusterKey: 403, admin: 'pass' },
  'GET /v1/clusters/:name': { previewKey: 403, clusterKey: 403, outsider: 'pass' },
  'PATCH /v1/clusters/:name': { owner: 403, clusterKey: 403, admin: 'pass' },
  'DELETE /v1/clusters/:name': { owner: 403, clusterKey: 403 },
  'GET /v1/quota-tiers': { previewKey: 403, clusterKey: 403, viewer: 'pass' },
  'POST /v1/quota-tiers': { owner: 403, previewKey: 403 },
  'GET /v1/quota-tiers/:name': { previewKey: 403, clusterKey: 403 },
  'PATCH /v1/quota-tiers/:name': { owner: 403, developer: 403 },
  'DELETE /v1/quota-tiers/:name': { owner: 403, viewer: 403 },
  'GET /v1/tenants': { previewKey: 403, clusterKey: 403, outsider: 'pass' },
  'POST /v1/tenants': { owner: 403, previewKey: 403, clusterKey: 403 },
  'GET /v1/tenants/:tenant': { outsider: 404, previewKey: 404, clusterKey: 404, viewer: 'pass' },
  'PATCH /v1/tenants/:tenant': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'DELETE /v1/tenants/:tenant': { outsider: 404, owner: 403, previewKey: 404, admin: 'pass' },
  'GET /v1/tenants/:tenant/members': { outsider: 404, previewKey: 404, clusterKey: 404, viewer: 'pass' },
  'POST /v1/tenants/:tenant/members': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'DELETE /v1/tenants/:tenant/members/:id': { outsider: 404, viewer: 403, developer: 403, previewKey: 404 },
  'GET /v1/tenants/:tenant/api-keys': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'POST /v1/tenants/:tenant/api-keys': { outsider: 404, viewer: 403, developer: 403, previewKey: 404 },
  'DELETE /v1/tenants/:tenant/api-keys/:id': { outsider: 404, viewer: 403, developer: 403, clusterKey: 404 },
  'GET /v1/api-keys': { owner: 403, clusterKey: 403, admin: 'pass' },
  'POST /v1/api-keys': { owner: 403, previewKey: 403, clusterKey: 403 },
  'DELETE /v1/api-keys/:id': { owner: 403, clusterKey: 403 },
  'GET /v1/audit-events': { previewKey: 403, clusterKey: 403, viewer: 'pass' },
  'POST /v1/tenants/:tenant/namespace-requests': { outsider: 404, viewer: 403, previewKey: 404, clusterKey: 404, developer: 'pass' },
  'GET /v1/tenants/:tenant/namespace-requests': { outsider: 404, previewKey: 404, clusterKey: 404, viewer: 'pass' },
  'GET /v1/namespace-requests': { previewKey: 403, clusterKey: 403, viewer: 'pass' },
  'GET /v1/namespace-requests/:id': { outsider: 404, previewKey: 403, clusterKey: 403, viewer: 'pass' },
  'POST /v1/namespace-requests/:id/approve': { owner: 403, developer: 403, previewKey: 403, ownAdmin: 403, admin: 'pass' },
  'POST /v1/namespace-requests/:id/reject': { owner: 403, viewer: 403, clusterKey: 403, ownAdmin: 403, admin: 'pass' },
  'POST /v1/namespace-requests/:id/cancel': { outsider: 404, viewer: 403, previewKey: 403, owner: 'pass' },
  'GET /v1/tenants/:tenant/namespaces': { outsider: 404, previewKey: 404, clusterKey: 404, viewer: 'pass' },
  'GET /v1/tenants/:tenant/namespaces/:name': { outsider: 404, previewKey: 404, clusterKey: 404 },
  'PATCH /v1/tenants/:tenant/namespaces/:name': { outsider: 404, viewer: 403, previewKey: 404, developer: 'pass' },
  'DELETE /v1/tenants/:tenant/namespaces/:name': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'GET /v1/tenants/:tenant/usage': { outsider: 404, previewKey: 404, clusterKey: 404, viewer: 'pass' },
  'POST /v1/tenants/:tenant/previews': { outsider: 404, viewer: 403, clusterKey: 404, previewKey: 'pass' },
  'GET /v1/tenants/:tenant/previews': { outsider: 404, clusterKey: 404, previewKey: 'pass' },
  'DELETE /v1/tenants/:tenant/previews/:pullRequest': { outsider: 404, viewer: 403, clusterKey: 404, previewKey: 'pass' },
  'GET /v1/flux/inputs': { owner: 403, viewer: 403, previewKey: 403, clusterKey: 'pass' },
  'GET /v1/fleet/status': { owner: 403, clusterKey: 403, admin: 'pass' },
  'GET /v1/fleet/drift': { owner: 403, previewKey: 403 },
  'POST /v1/fleet/reconcile': { owner: 403, clusterKey: 403 },
  'GET /v1/tenants/:tenant/webhooks': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, clusterKey: 404, owner: 'pass' },
  'POST /v1/tenants/:tenant/webhooks': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'DELETE /v1/tenants/:tenant/webhooks/:id': { outsider: 404, viewer: 403, developer: 403, clusterKey: 404, owner: 'pass' },
  'POST /v1/tenants/:tenant/webhooks/:id/rotate-secret': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'GET /v1/tenants/:tenant/webhooks/:id/deliveries': { outsider: 404, viewer: 403, developer: 403, previewKey: 404, owner: 'pass' },
  'POST /v1/tenants/:tenant/webhooks/:id/deliveries/:deliveryId/redeliver': { outsider: 404, viewer: 403, developer: 403, clusterKey: 404, owner: 'pass' },
  'GET /v1/webhooks': { owner: 403, clusterKey: 403, admin: 'pass' },
  'POST /v1/webhooks': { owner: 403, previewKey: 403, admin: 'pass' },
  'DELETE /v1/webhooks/:id': { owner: 403, clusterKey: 403 },
  'POST /v1/webhooks/:id/rotate-secret': { owner: 403, developer: 403, admin: 'pass' },
  'GET /v1/webhooks/:id/deliveries': { owner: 403, viewer: 403, admin: 'pass' },
  'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver': { owner: 403, previewKey: 403, clusterKey: 403 },
};
/** Routes that need no credentials or only a sign-in (they must say so with @Public / @Authenticated). */
const OPEN = ['GET /healthz', 'GET /readyz', 'POST /v1/flux/events', 'GET /v1/me', 'GET /console', 'GET /console/config.json', 'GET /console/*'];
/** Outside the versioned API: probes and the web console (its files and config.json; every call it makes is an API route). */
const UNPREFIXED = /^\/(healthz|readyz|console)(\/|$)/;
/** Served by Fastify outside Nest: the OpenAPI document and Swagger UI (public documentation). */
// Outside Nest on purpose: the OpenAPI/Swagger routes and Prometheus' /metrics (its own optional bearer
// token, no API credentials: test/metrics.e2e-spec.ts covers its access rules).
const DOCS = /^(GET|HEAD) \/(docs|openapi\.json|metrics$)/;

interface Route {
  key: string;
  method: string;
  path: string;
  policy?: RequiredPolicy;
  open: boolean;
}

const join = (...parts: Array<string | undefined>) =>
  '/' +
  parts
    .flatMap((p) => (p ?? '').split('/'))
    .filter(Boolean)
    .join('/');

/** Every route Nest registered, with its security metadata. */
function nestRoutes(): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as { prototype: Record<string, unknown> } | undefined;
      if (!type) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const raw = join(base, Reflect.getMetadata(PATH_METADATA, handler) as string);
        const path = UNPREFIXED.test(raw) ? raw : join('v1', raw);
        const meta = (key: string) => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, type);
        routes.push({ key: `${method} ${path}`, method, path, policy: meta(REQUIRED_POLICY), open: Boolean(meta(IS_PUBLIC) || meta(AUTHENTICATED_ONLY)) });
      }
    }
  }
  return routes;
}

/** Every route Fastify's router serves, from its route tree (`printRoutes`). */
function fastifyRoutes(): string[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.search(/[├└]── /);
    if (at < 0) continue;
    const depth = at / 4;
    const [, segment, methods] = /[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line)!;
    stack.length = depth;
    stack.push(segment);
    // find-my-way prints the wildcard of `/console/*` as a child `*` of `/console`.
    const path = stack.join('').replace(/([^/])\*$/, '$1/*');
    for (const method of methods ? methods.split(', ') : []) if (method !== 'HEAD' && method !== 'OPTIONS') out.push(`${method} ${path}`);
  }
  return out;
}

/** Concrete URL of a route for the fixtures. */
function urlOf(path: string): string {
  return path
    .replace(':tenant', t.name)
    .replace('/namespace-requests/:id', `/namespace-requests/${pendingId}`)
    .replace(':id', '00000000-0000-4000-8000-000000000000')
    .replace(':pullRequest', '7')
    .replace(':deliveryId', '00000000-0000-4000-8000-000000000001')
    .replace(':name', path.includes('/namespaces/') ? `${t.name}-web` : cluster);
}

const tripped: string[] = [];

beforeAll(async () => {
  process.env.BERTH_FLEET_WRITER = 'off';
  process.env.BERTH_EXPIRY_INTERVAL_SECONDS = '0';
  app = await startApp();
  const world = await tenantOnCatalogue(api(), { budget: { 'requests.cpu': '10' } });
  t = world.tenant;
  cluster = world.cluster;
  const admin = bearer(world.admin);
  // A request that needs approval, asked by an admin: they may not decide it (four eyes).
  const gated = uniqueName('gated');
  await api()
    .post('/v1/quota-tiers')
    .set(admin)
    .send({ name: gated, resources: { 'requests.cpu': '1' }, autoApprove: false })
    .expect(201);
  await api()
    .patch(`/v1/tenants/${t.name}`)
    .set(admin)
    .send({ allowedTiers: [world.tier, gated] })
    .expect(200);
  pendingId = (
    await api()
      .post(`/v1/tenants/${t.name}/namespace-requests`)
      .set(admin)
      .send({ name: `${t.name}-gated`, cluster, tier: gated })
      .expect(201)
  ).body.id;
  const key = async (role: string) => (await api().post(`/v1/tenants/${t.name}/api-keys`).set(admin).send({ name: role, role }).expect(201)).body.key;
  const clusterKey = (await api().post('/v1/api-keys').set(admin).send({ name: 'flux', role: 'cluster', cluster }).expect(201)).body.key;
  Object.assign(headers, {
    outsider: bearer((await newTenant(api())).owner),
    viewer: bearer(t.viewer),
    developer: bearer(t.developer),
    owner: bearer(t.owner),
    previewKey: apiKeyHeader(await key('preview')),
    clusterKey: apiKeyHeader(clusterKey),
    admin: bearer(await adminToken()),
    ownAdmin: admin,
  });

  // Tripwires: from here on no service can answer, check or refuse anything.
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.instance as Record<string, unknown> | undefined;
      for (const dependency of Object.values(controller ?? {})) {
        if (!dependency || typeof dependency !== 'object') continue;
        const name = dependency.constructor.name;
        for (let proto = Object.getPrototypeOf(dependency); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
          for (const method of Object.getOwnPropertyNames(proto)) {
            if (method === 'constructor' || typeof proto[method] !== 'function') continue;
            (dependency as Record<string, unknown>)[method] = () => {
              tripped.push(`${name}.${method}`);
              throw new Error(`tripwire: ${name}.${method} reached`);
            };
          }
        }
      }
    }
  }
});
afterAll(async () => {
  await app.close();
});

describe('every route is enumerated and declares its security', () => {
  it('Nest and Fastify agree on the routes (only the OpenAPI/Swagger routes and /metrics live outside Nest)', () => {
    const nest = new Set(nestRoutes().map((r) => r.key));
    const router = fastifyRoutes().filter((r) => !DOCS.test(r));
    expect([...new Set(router)].sort()).toEqual([...nest].sort());
  });

  it('every route declares a policy, or says it is open (@Public / @Authenticated)', () => {
    const undeclared = nestRoutes().filter((r) => !r.policy && !r.open);
    expect(undeclared.map((r) => r.key)).toEqual([]);
    const openRoutes = nestRoutes()
      .filter((r) => r.open)
      .map((r) => r.key)
      .sort();
    expect(openRoutes).toEqual([...OPEN].sort());
  });

  it('the table below covers every route with a policy (a new route must be added to it)', () => {
    const withPolicy = nestRoutes()
      .filter((r) => r.policy)
      .map((r) => r.key)
      .sort();
    expect(Object.keys(TABLE).sort()).toEqual(withPolicy);
    for (const [key, expected] of Object.entries(TABLE)) {
      expect({ key, refusals: Object.values(expected).filter((e) => e !== 'pass').length }).toEqual({ key, refusals: expect.any(Number) });
      expect(Object.values(expected).some((e) => e !== 'pass')).toBe(true);
    }
  });
});

describe('the guard alone refuses callers without the route’s action (services are tripwired)', () => {
  const cases = Object.entries(TABLE).flatMap(([key, expected]) =>
    Object.entries(expected).map(([caller, outcome]) => [key, caller as Caller, outcome as Expect] as const),
  );

  it.each(cases)('%s as %s → %s', async (key, caller, outcome) => {
    const [method, path] = key.split(' ');
    tripped.length = 0;
    const res = await api()
      [method.toLowerCase() as 'get'](`${urlOf(path)}${path === '/v1/flux/inputs' ? `?cluster=${cluster}` : ''}`)
      .set(headers[caller])
      .send(method === 'GET' || method === 'DELETE' ? undefined : {});
    if (outcome === 'pass') {
      // Through the guard: the tripwire fired (500) or the route's own validation answered (400).
      expect([400, 500]).toContain(res.status);
      if (res.status === 500) expect(tripped.length).toBeGreaterThan(0);
    } else {
      expectErrorShape(res, outcome);
      expect(tripped).toEqual([]);
    }
  });
});
