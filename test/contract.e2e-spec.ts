import fs from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { OpenApiContract, UNDOCUMENTED_YET, type ObservedResponse } from './helpers/openapi-contract';

const document = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'openapi.json'), 'utf8'));
const contract = new OpenApiContract(document);
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

const me = {
  kind: 'user',
  id: 'alice',
  actor: 'user:alice',
  accountable: 'user:alice',
  groups: ['payments'],
  platformRole: 'user',
  tenants: [{ name: 'payments', role: 'owner' }],
};

function answer(method: string, url: string, status: number, body: unknown, headers: Record<string, string> = JSON_TYPE): ObservedResponse {
  return { method, url, status, headers, body, text: body === undefined ? '' : JSON.stringify(body) };
}

function withEtag(method: string, url: string, status: number, body: unknown): ObservedResponse {
  return answer(method, url, status, body, { ...JSON_TYPE, etag: '"1"' });
}

function problems(res: ObservedResponse): string[] {
  const verdict = contract.check(res);
  if ('skipped' in verdict) throw new Error(`skipped: ${verdict.skipped}`);
  return verdict.problems;
}

/** The validator itself, on answers made up to break one rule each. */
describe('the OpenAPI contract check', () => {
  it('accepts a conforming answer and names the operation it matched', () => {
    expect(problems(answer('GET', '/v1/me', 200, me))).toEqual([]);
    const verdict = contract.check(answer('GET', '/v1/tenants/payments/namespaces/payments-api?cluster=x', 404, errorBody(404)));
    expect(verdict).toEqual({ operation: 'GET /v1/tenants/{tenant}/namespaces/{name}', status: '404', problems: [] });
  });

  it('catches a field of the wrong type', () => {
    expect(problems(answer('GET', '/v1/me', 200, { ...me, groups: 'payments' }))).toEqual(['/groups must be array']);
  });

  it('catches a missing required field', () => {
    const { actor: _actor, ...withoutActor } = me;
    expect(problems(answer('GET', '/v1/me', 200, withoutActor))).toEqual(["(body) must have required property 'actor'"]);
  });

  it('catches a field the document does not describe', () => {
    expect(problems(answer('GET', '/v1/me', 200, { ...me, secret: 'x' }))).toEqual(['(body) must NOT have additional properties (secret)']);
  });

  it('catches an undocumented status', () => {
    expect(problems(answer('GET', '/v1/me', 418, errorBody(418)))).toEqual([expect.stringMatching(/^status 418 is not documented \(documented: 200, .*401/)]);
  });

  it('lists statuses a controller does not document yet only while openapi.json does not document them', () => {
    for (const [operation, statuses] of Object.entries(UNDOCUMENTED_YET)) {
      const [method, template] = operation.split(' ');
      const documented = Object.keys(document.paths[template][method.toLowerCase()].responses);
      expect(statuses.filter((status) => documented.includes(String(status)))).toEqual([]);
    }
  });

  it('checks error answers against the one error schema', () => {
    expect(problems(answer('GET', '/v1/me', 401, { ...errorBody(401), details: [{ message: 'no code' }] }))).toEqual([
      "/details/0 must have required property 'code'",
    ]);
  });

  it('treats nullable as "null or the schema", also around a $ref', () => {
    const tier = { name: 'small', displayName: null, resources: {}, limitRange: null, autoApprove: true, version: 1, createdAt: NOW, updatedAt: NOW };
    const answer = (method: string, url: string, status: number, body: unknown) => withEtag(method, url, status, body);
    expect(problems(answer('GET', '/v1/quota-tiers/small', 200, tier))).toEqual([]);
    expect(problems(answer('GET', '/v1/quota-tiers/small', 200, { ...tier, limitRange: { default: { cpu: '1' } } }))).toEqual([]);
    expect(problems(answer('GET', '/v1/quota-tiers/small', 200, { ...tier, limitRange: 'none' }))).toContain('/limitRange must be object');
    expect(problems(answer('GET', '/v1/quota-tiers/small', 200, { ...tier, name: null }))).toEqual(['/name must be string']);
  });

  it('checks formats (date-time, uuid)', () => {
    const page = { items: [auditEvent({ id: 'not-a-uuid', at: 'yesterday' })], nextCursor: null };
    expect(problems(answer('GET', '/v1/audit-events', 200, page))).toEqual([
      '/items/0/id must match format "uuid"',
      '/items/0/at must match format "date-time"',
    ]);
  });

  it('wants no body where the document describes none, and JSON where it describes JSON', () => {
    expect(problems(answer('DELETE', '/v1/clusters/prod-eu-1', 204, undefined, {}))).toEqual([]);
    expect(problems(answer('DELETE', '/v1/clusters/prod-eu-1', 204, { deleted: true }))).toEqual([expect.stringMatching(/^documents no body/)]);
    expect(problems(answer('GET', '/v1/me', 200, me, { 'content-type': 'text/plain' }))).toEqual(['documents application/json, got text/plain']);
  });

  it('wants the headers the document marks required (ETag on a single resource)', () => {
    const cluster = {
      name: 'prod-eu-1',
      displayName: null,
      labels: {},
      fleetPath: 'clusters/prod-eu-1',
      apiServer: null,
      credentialsRef: null,
      delivery: 'push',
      pullShards: 1,
      status: null,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    };
    expect(problems(withEtag('GET', '/v1/clusters/prod-eu-1', 200, cluster))).toEqual([]);
    expect(problems(answer('GET', '/v1/clusters/prod-eu-1', 200, cluster))).toEqual(['header ETag is required']);
  });

  it('checks documented headers (Retry-After is an integer)', () => {
    const busy = { ...JSON_TYPE, 'retry-after': 'soon' };
    expect(problems(answer('GET', '/v1/clusters', 503, errorBody(503), busy))).toEqual(['header Retry-After must be an integer, got soon']);
  });

  it('prefers a literal path segment to a parameter and ignores the query', () => {
    expect(contract.operationFor('GET', '/v1/namespace-requests?state=Approved')).toMatchObject({ id: 'GET /v1/namespace-requests' });
    expect(contract.operationFor('GET', '/v1/namespace-requests/6f1c0a52-0000-4000-8000-000000000000')).toMatchObject({
      id: 'GET /v1/namespace-requests/{id}',
    });
    expect(contract.operationFor('POST', 'http://127.0.0.1:1234/v1/webhooks/x/rotate-secret')).toMatchObject({ id: 'POST /v1/webhooks/{id}/rotate-secret' });
  });

  it('skips what the document does not describe: unknown paths, probes, metrics, docs, other methods', () => {
    for (const url of ['/v1/nothing-here', '/healthz', '/readyz', '/metrics', '/docs', '/openapi.json']) {
      expect(contract.check(answer('GET', url, 404, errorBody(404)))).toEqual({ skipped: `${url} is not in openapi.json` });
    }
    expect(contract.check(answer('PUT', '/v1/me', 405, errorBody(405)))).toEqual({ skipped: 'PUT is not an operation of /v1/me' });
    expect(contract.check(answer('HEAD', '/v1/me', 200, undefined))).toEqual({ skipped: 'HEAD is not an operation of /v1/me' });
    expect(contract.check(answer('GET', `/v1/clusters/${'a'.repeat(200)}`, 414, errorBody(414)))).toEqual({ skipped: '414 is answered before routing' });
  });

  it('turns OpenAPI schemas into JSON Schema ajv compiles strictly: every component schema and response schema', () => {
    // The constructor compiled the components; compile every documented response too (a schema ajv refuses throws).
    let responses = 0;
    for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const status of Object.keys(operation.responses)) {
          const verdict = contract.check(answer(method.toUpperCase(), template, Number(status), Symbol('not json')));
          expect(verdict).toMatchObject({ operation: `${method.toUpperCase()} ${template}`, status });
          responses += 1;
        }
      }
    }
    expect(responses).toBeGreaterThan(400);
  });
});

/** The document itself: no shapeless objects (generated types would be empty), closed request bodies. */
describe('openapi.json', () => {
  function objects(node: unknown, at: string, out: Array<[string, Record<string, unknown>]>): typeof out {
    if (Array.isArray(node)) node.forEach((child, i) => objects(child, `${at}/${i}`, out));
    else if (typeof node === 'object' && node !== null) {
      const schema = node as Record<string, unknown>;
      if (schema.type === 'object') out.push([at, schema]);
      for (const [key, child] of Object.entries(schema)) if (key !== 'example') objects(child, `${at}/${key}`, out);
    }
    return out;
  }

  it('describes every object: properties, a value schema for maps, or the schema it refers to', () => {
    const bare = objects(document, '', []).filter(([, s]) => !s.properties && !s.additionalProperties && !s.allOf && !s.oneOf);
    expect(bare.map(([at]) => at)).toEqual([]);
  });

  it('closes every request body (the ValidationPipe refuses unknown fields), except the Flux event Flux itself extends', () => {
    const open: string[] = [];
    for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const ref: string | undefined = operation.requestBody?.content?.['application/json']?.schema?.$ref;
        if (ref === undefined) continue;
        const name = ref.split('/').pop()!;
        if (document.components.schemas[name].additionalProperties !== false) open.push(`${method.toUpperCase()} ${template} (${name})`);
      }
    }
    expect(open).toEqual(['POST /v1/flux/events (FluxEventDto)']);
  });
});

/** `http(app)` runs the check on every answer: a mismatch fails the request's await. */
describe('http(app) checks every answer', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('fails a request whose answer the document does not allow, naming the operation and the difference', async () => {
    const without401 = structuredClone(document);
    delete without401.paths['/v1/me'].get.responses['401'];
    await expect(http(app, new OpenApiContract(without401)).get('/v1/me')).rejects.toThrow(
      /The answer to GET \/v1\/me does not match openapi.json \(GET \/v1\/me → 401\):\n {2}status 401 is not documented/,
    );
    // The same answer under the committed document passes.
    await http(app).get('/v1/me').expect(401);
  });
});

const NOW = '2026-11-29T21:00:00.000Z';

function errorBody(statusCode: number) {
  return { statusCode, error: 'Error', message: 'no', details: [{ code: 'x', message: 'no' }], requestId: 'r-1' };
}

function auditEvent(overrides: Record<string, unknown>) {
  return {
    id: '6f1c0a52-0000-4000-8000-000000000000',
    at: NOW,
    actor: 'user:alice',
    action: 'tenant.update',
    targetType: 'Tenant',
    targetId: 'payments',
    tenant: 'payments',
    before: null,
    after: { displayName: 'Payments' },
    requestId: null,
    ...overrides,
  };
}
