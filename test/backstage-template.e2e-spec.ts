import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse } from 'yaml';
import { http, startApp } from './helpers/app';
import { bearer, tenantOnCatalogue } from './helpers/fixtures';

/**
 * examples/backstage/template.yaml: a Backstage Scaffolder template that asks Berth for a namespace through the
 * Backstage proxy (/proxy/berth → Berth) and polls it until Ready. Checked against openapi.json (the request body
 * validates against the route's schema) and against the real app (the same body and paths answer 201 and 200).
 */
const ROOT = path.resolve(__dirname, '..');
const PROXY = '/proxy/berth';
/** Inputs of the actions it uses, from their upstream schemas (RoadieHQ http:backstage:request, Backstage debug:wait). */
const INPUTS: Record<string, string[]> = {
  'http:backstage:request': [
    'path',
    'method',
    'headers',
    'params',
    'body',
    'logRequestPath',
    'continueOnBadResponse',
    'timeout',
    'useBackstageToken',
    'idempotencyKey',
  ],
  'debug:wait': ['minutes', 'seconds', 'milliseconds'],
};

interface Step {
  id: string;
  action: string;
  if?: string;
  input: Record<string, unknown>;
}
interface Template {
  apiVersion: string;
  kind: string;
  spec: { parameters: Array<{ required: string[]; properties: Record<string, unknown> }>; steps: Step[] };
}

const template = parse(readFileSync(path.join(ROOT, 'examples/backstage/template.yaml'), 'utf8')) as Template;
const openapi = JSON.parse(readFileSync(path.join(ROOT, 'openapi.json'), 'utf8'));
const step = (id: string) => template.spec.steps.find((s) => s.id === id)!;

/**
 * The scaffolder's rendering, for `${{ parameters.x }}` only: a value that is one expression keeps its type (an
 * absent parameter leaves the key undefined, dropped from the JSON body); inside text, it is interpolated.
 */
function render(value: unknown, parameters: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(value);
    if (whole) return parameters[whole[1]];
    return value.replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_, name: string) => String(parameters[name] ?? ''));
  }
  if (Array.isArray(value)) return value.map((v) => render(v, parameters));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, parameters)]));
  return value;
}

const body = (parameters: Record<string, unknown>) => JSON.parse(JSON.stringify(render(step('request').input.body, parameters))) as Record<string, unknown>;

/** The route's request schema, closed like Berth's ValidationPipe (forbidNonWhitelisted): an unknown field is a 400. */
function requestValidator() {
  const operation = openapi.paths['/v1/tenants/{tenant}/namespace-requests'].post;
  const ref: string = operation.requestBody.content['application/json'].schema.$ref;
  const name = ref.split('/').pop()!;
  const schemas = structuredClone(openapi.components.schemas);
  schemas[name].additionalProperties = false;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ components: { schemas } }, 'openapi');
  return ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
}

describe('examples/backstage/template.yaml', () => {
  const parameters = { tenant: 'payments', name: 'api', cluster: 'prod-eu-1', tier: 'small', reason: 'new service' };

  it('is a v1beta3 Template using only the documented inputs of its actions', () => {
    expect(template).toMatchObject({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template' });
    for (const s of template.spec.steps) {
      expect(Object.keys(INPUTS)).toContain(s.action);
      for (const input of Object.keys(s.input)) expect(INPUTS[s.action]).toContain(input);
      if (s.action === 'debug:wait') expect(s.input.seconds).toBeLessThanOrEqual(30); // the action's default maximum
    }
    expect(template.spec.parameters[0].required).toEqual(expect.arrayContaining(['tenant', 'name', 'cluster', 'tier']));
  });

  it('sends a body that validates against openapi.json for POST /v1/tenants/{tenant}/namespace-requests', () => {
    const request = step('request');
    expect(request.input).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(request.input.path).toBe(`${PROXY}/v1/tenants/\${{ parameters.tenant }}/namespace-requests`);
    const validate = requestValidator();
    expect(body(parameters)).toEqual({ name: 'payments-api', cluster: 'prod-eu-1', tier: 'small', reason: 'new service' });
    expect(validate(body(parameters))).toBe(true);
    expect(validate(body({ ...parameters, reason: undefined }))).toBe(true); // optional field left out
    // The validator bites: a body without a cluster, or with a field Berth does not know, is refused.
    expect(validate({ name: 'payments-api', tier: 'small' })).toBe(false);
    expect(validate({ ...body(parameters), size: 'xl' })).toBe(false);
  });

  it('polls GET /v1/tenants/{tenant}/namespaces/{name} until Ready or Failed, without failing on the 404 before approval', () => {
    const checks = template.spec.steps.filter((s) => s.id.startsWith('check-'));
    expect(checks.length).toBeGreaterThanOrEqual(10);
    expect(openapi.paths['/v1/tenants/{tenant}/namespaces/{name}'].get).toBeDefined();
    checks.forEach((check, i) => {
      expect(check.input).toMatchObject({ method: 'GET', continueOnBadResponse: true });
      expect(render(check.input.path, parameters)).toBe(`${PROXY}/v1/tenants/payments/namespaces/payments-api`);
      if (i === 0) return;
      // Each check runs only if the previous one ran and saw neither Ready nor Failed.
      for (const part of [`steps['check-${i}'].output.code`, `!= 'Ready'`, `!= 'Failed'`]) expect(check.if).toContain(part);
    });
  });

  describe('against the real app (the proxy prefix removed)', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => {
      app = await startApp();
    });
    afterAll(() => app.close());

    it('the request step answers 201 (and replays on a re-run) and the check step reads the namespace', async () => {
      const api = http(app);
      const { cluster, tier, tenant } = await tenantOnCatalogue(api);
      const values = { tenant: tenant.name, name: 'web', cluster, tier };
      const request = step('request');
      const send = () =>
        api
          .post(String(render(request.input.path, values)).slice(PROXY.length))
          .set(render(request.input.headers, values) as Record<string, string>)
          .set(bearer(tenant.developer))
          .send(body(values));
      const first = await send().expect(201);
      expect(first.body).toMatchObject({ namespace: `${tenant.name}-web`, state: 'Approved' });
      expect((await send().expect(201)).body.id).toBe(first.body.id);
      const check = await api
        .get(String(render(step('check-1').input.path, values)).slice(PROXY.length))
        .set(bearer(tenant.viewer))
        .expect(200);
      expect(check.body).toMatchObject({ name: `${tenant.name}-web`, state: 'Approved' });
    });
  });
});
