import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'supertest';
import { http, startApp } from './helpers/app';
import { expectClientError } from './helpers/errors';
import { bearer, catalogue, newTenant, TenantFixture, tenantOnCatalogue, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

let app: NestFastifyApplication;
const api = () => http(app);
let admin: string;
let cluster: string;
let tier: string;
let t: TenantFixture;
/** Real cursors of two lists, to hand each to the other lists. */
let clustersCursor: string;
let tiersCursor: string;
const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bad-input-'));
const fluxSecret = randomBytes(16).toString('hex');
const saved = { ...process.env };
/** Short enough for a test, long enough for any honest request on loopback. */
const REQUEST_TIMEOUT_SECONDS = 2;

beforeAll(async () => {
  process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR = secretDir;
  process.env.BERTH_HTTP_REQUEST_TIMEOUT_SECONDS = String(REQUEST_TIMEOUT_SECONDS);
  app = await startApp();
  await app.listen(0, '127.0.0.1');
  ({ admin, cluster, tier } = await catalogue(api()));
  t = await newTenant(api());
  fs.writeFileSync(path.join(secretDir, cluster), fluxSecret);
  await api()
    .post('/v1/clusters')
    .set(bearer(admin))
    .send({ name: uniqueName('c') })
    .expect(201);
  await api()
    .post('/v1/quota-tiers')
    .set(bearer(admin))
    .send({ name: uniqueName('tier'), resources: { pods: '1' } })
    .expect(201);
  clustersCursor = (await api().get('/v1/clusters?limit=1').set(bearer(admin)).expect(200)).body.nextCursor;
  tiersCursor = (await api().get('/v1/quota-tiers?limit=1').set(bearer(admin)).expect(200)).body.nextCursor;
  expect(clustersCursor).toEqual(expect.any(String));
  expect(tiersCursor).toEqual(expect.any(String));
});
afterAll(async () => {
  await app.close();
  process.env = saved;
  fs.rmSync(secretDir, { recursive: true, force: true });
});

type Method = 'get' | 'post' | 'patch' | 'delete';
interface BadCase {
  method: Method;
  /** A path, or a function of the fixtures (evaluated once the fixtures exist). */
  path: string | (() => string);
  /** A JSON value, or a raw string sent as is with `contentType`. */
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Exact status when it matters (413, 415); otherwise any 4xx. */
  status?: number;
  /** A field the details must name. */
  field?: string;
  /** Text the message or a detail's message must contain (e.g. the limit a quantity broke). */
  mentions?: string;
  /** A Flux event body, sent signed with the cluster's webhook secret. */
  signed?: () => string;
  /** A path that must still answer 404 afterwards: nothing was stored. */
  absent?: () => string;
}

const cases: Array<[string, BadCase]> = [];
const add = (name: string, c: BadCase) => cases.push([name, c]);
const enc = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const nsrPath = () => `/v1/tenants/${t.name}/namespace-requests`;

// Bodies the JSON parser or the validation pipe must refuse.
add('malformed JSON', { method: 'post', path: '/v1/clusters', raw: '{"name": "x",', contentType: 'application/json' });
add('an empty JSON body', { method: 'post', path: '/v1/clusters', raw: '', contentType: 'application/json' });
add('a JSON array body', { method: 'post', path: '/v1/clusters', body: [{ name: 'array-body' }] });
add('a JSON string body', { method: 'post', path: '/v1/clusters', raw: '"just-a-string"', contentType: 'application/json' });
add('a JSON null body', { method: 'post', path: '/v1/clusters', raw: 'null', contentType: 'application/json' });
add('an unknown field', { method: 'post', path: '/v1/clusters', body: { name: 'unknown-field', region: 'eu' }, field: 'region' });
add('an unknown nested field', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/members`,
  body: { subject: { kind: 'User', name: 'x', admin: true }, role: 'viewer' },
  field: 'subject.admin',
});
add('__proto__ in the body', { method: 'post', path: '/v1/clusters', raw: '{"name":"proto","__proto__":{"isAdmin":true}}', contentType: 'application/json' });
add('a number for a name', { method: 'post', path: '/v1/clusters', body: { name: 42 }, field: 'name' });
add('a string for labels', { method: 'post', path: '/v1/clusters', body: { name: 'labels-str', labels: 'env=prod' }, field: 'labels' });
add('a nested object as a label value', { method: 'post', path: '/v1/clusters', body: { name: 'labels-obj', labels: { env: { x: 1 } } }, field: 'labels' });
add('a number for displayName', { method: 'post', path: '/v1/tenants', body: { name: 'typed', displayName: 5 }, field: 'displayName' });
add('a string for autoApprove', {
  method: 'post',
  path: '/v1/quota-tiers',
  body: { name: 'aa', resources: { pods: '1' }, autoApprove: 'yes' },
  field: 'autoApprove',
});
add('a string for allowedClusters', { method: 'post', path: '/v1/tenants', body: { name: 'ac', allowedClusters: 'prod' }, field: 'allowedClusters' });
add('an unknown role', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/members`,
  body: { subject: { kind: 'User', name: 'x' }, role: 'king' },
  field: 'role',
});
add('an unknown subject kind', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/members`,
  body: { subject: { kind: 'Robot', name: 'x' }, role: 'viewer' },
  field: 'subject.kind',
});
add('a missing subject', { method: 'post', path: () => `/v1/tenants/${t.name}/members`, body: { role: 'viewer' }, field: 'subject' });
add('an admin role on a tenant key', { method: 'post', path: () => `/v1/tenants/${t.name}/api-keys`, body: { name: 'k', role: 'admin' }, field: 'role' });
add('a null body field that cannot be null (cluster labels)', {
  method: 'patch',
  path: () => `/v1/clusters/${cluster}`,
  body: { labels: null },
  field: 'labels',
});
add('a null fleetPath', { method: 'patch', path: () => `/v1/clusters/${cluster}`, body: { fleetPath: null }, field: 'fleetPath' });
add('a null tier resources', { method: 'patch', path: () => `/v1/quota-tiers/${tier}`, body: { resources: null }, field: 'resources' });
add('a null autoApprove', { method: 'patch', path: () => `/v1/quota-tiers/${tier}`, body: { autoApprove: null }, field: 'autoApprove' });
add('null tenant labels', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { labels: null }, field: 'labels' });
add('a fleetPath escaping the repository', { method: 'post', path: '/v1/clusters', body: { name: 'fp', fleetPath: '../../etc' }, field: 'fleetPath' });

add('deeply nested JSON', {
  method: 'post',
  path: '/v1/clusters',
  raw: `{"name":"deep","labels":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  contentType: 'application/json',
  field: 'body',
});
add('deeply nested objects', {
  method: 'post',
  path: '/v1/tenants',
  raw: `{"name":"deep","budget":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
  contentType: 'application/json',
  field: 'body',
});
add('an unknown route', { method: 'get', path: '/v1/no-such-thing', status: 404 });
add('an unsupported method', { method: 'post', path: `/v1/me`, body: {}, status: 405 });

// DNS names.
for (const [what, name] of [
  ['upper case', 'Prod-EU'],
  ['too long', 'a'.repeat(64)],
  ['a double dot', 'a..b'],
  ['a slash', 'a/b'],
  ['unicode', 'prød'],
  ['empty', ''],
  ['a leading dash', '-prod'],
  ['a trailing newline', 'prod\n'],
] as const) {
  add(`a cluster name with ${what}`, { method: 'post', path: '/v1/clusters', body: { name }, field: 'name' });
}
add('a tenant name over 30 characters', { method: 'post', path: '/v1/tenants', body: { name: 'a'.repeat(31) }, field: 'name' });
add('a one-letter tenant name', { method: 'post', path: '/v1/tenants', body: { name: 'a' }, field: 'name' });
add('an upper-case allowed cluster', {
  method: 'post',
  path: '/v1/tenants',
  body: { name: uniqueName(), allowedClusters: ['PROD'] },
  field: 'allowedClusters',
});

// Path parameters.
for (const path of [
  '/v1/tenants/..%2F..%2Fetc',
  '/v1/tenants/..%2F..%2Fetc/members',
  '/v1/clusters/%2e%2e',
  '/v1/clusters/..%5C..%5Cwindows',
  '/v1/quota-tiers/%00',
  '/v1/clusters/%E2%80%AE',
  `/v1/clusters/${'a'.repeat(300)}`,
  '/v1/tenants/UPPER',
  '/v1/clusters/%E0%A4%A',
  '/v1/tenants/%ZZ/members',
]) {
  add(`path ${path.slice(0, 60)}`, { method: 'get', path });
}
add('a member id that is not a uuid', { method: 'delete', path: () => `/v1/tenants/${t.name}/members/..%2F..%2Fx`, field: 'id' });
add('an api-key id that is not a uuid', { method: 'delete', path: '/v1/api-keys/not-a-uuid', field: 'id' });

// Quantities and budgets.
for (const q of ['2x', '-1', '1K', '', '1.2.3', ' 1', '1e999', 'NaN', 'Infinity', '0x10']) {
  add(`a tier quantity ${JSON.stringify(q)}`, {
    method: 'post',
    path: '/v1/quota-tiers',
    body: { name: uniqueName('q'), resources: { 'requests.cpu': q } },
    field: 'resources',
  });
}
add('a numeric quantity', { method: 'post', path: '/v1/quota-tiers', body: { name: 'numq', resources: { 'requests.cpu': 2 } }, field: 'resources' });
add('a bad limitRange quantity', {
  method: 'post',
  path: '/v1/quota-tiers',
  body: { name: 'lr', resources: { pods: '1' }, limitRange: { default: { cpu: '2x' } } },
  field: 'limitRange.default',
});
add('a bad budget quantity', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: { 'requests.cpu': '1.2.3' } }, field: 'budget' });
add('budget namespaces -1', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: { namespaces: -1 } }, field: 'budget' });
add('budget namespaces "3"', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: { namespaces: '3' } }, field: 'budget' });
add('budget namespaces 1.5', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: { namespaces: 1.5 } }, field: 'budget' });
add('a budget that is an array', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: ['1'] }, field: 'budget' });

// Size, content type, strange strings.
add('a body over 1 MiB', {
  method: 'post',
  path: '/v1/clusters',
  raw: JSON.stringify({ name: 'big', displayName: 'x'.repeat(1024 * 1024 + 10) }),
  contentType: 'application/json',
  status: 413,
});
add('a text/plain body', { method: 'post', path: '/v1/clusters', raw: 'name=plain', contentType: 'text/plain' });
add('an XML body', { method: 'post', path: '/v1/clusters', raw: '<cluster name="x"/>', contentType: 'application/xml', status: 415 });
add('a form body', { method: 'post', path: '/v1/clusters', raw: 'name=form', contentType: 'application/x-www-form-urlencoded', status: 415 });
add('a huge unicode displayName', {
  method: 'post',
  path: '/v1/clusters',
  body: { name: uniqueName('c'), displayName: '🚢'.repeat(50_000) },
  field: 'displayName',
});
add('a huge unicode name', { method: 'post', path: '/v1/tenants', body: { name: 'ü'.repeat(100_000) }, field: 'name' });
add('a null byte in a cluster displayName', {
  method: 'post',
  path: '/v1/clusters',
  body: { name: uniqueName('c'), displayName: 'a\u0000b' },
  field: 'displayName',
});
add('a null byte in a tenant displayName', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { displayName: 'x\u0000' }, field: 'displayName' });
add('a null byte in a tier displayName', {
  method: 'post',
  path: '/v1/quota-tiers',
  body: { name: uniqueName('q'), displayName: '\u0000', resources: { pods: '1' } },
  field: 'displayName',
});
add('a null byte in a resource name', {
  method: 'post',
  path: '/v1/quota-tiers',
  body: { name: uniqueName('q'), resources: { 'pods\u0000': '1' } },
  field: 'resources',
});
add('a null byte in a budget resource name', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: { '\u0000': '1' } }, field: 'budget' });
add('a null byte in a label value', { method: 'post', path: '/v1/clusters', body: { name: uniqueName('c'), labels: { env: 'a\u0000' } }, field: 'labels' });
add('a null byte in a subject name', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/members`,
  body: { subject: { kind: 'User', name: 'eve\u0000' }, role: 'viewer' },
  field: 'subject.name',
});
add('a null byte in an api key name', { method: 'post', path: '/v1/api-keys', body: { name: 'k\u0000' }, field: 'name' });

// Pagination.
for (const [what, query] of [
  ['limit 0', 'limit=0'],
  ['limit 10000', 'limit=10000'],
  ['limit abc', 'limit=abc'],
  ['limit -1', 'limit=-1'],
  ['limit 1.5', 'limit=1.5'],
  ['a cursor that is not base64url', 'cursor=!!!'],
  ['a cursor over 512 characters', `cursor=${'A'.repeat(600)}`],
  ['a cursor holding a null byte', `cursor=${enc('\u0000')}`],
] as const) {
  add(`clusters with ${what}`, { method: 'get', path: `/v1/clusters?${query}`, field: what.startsWith('limit') ? 'limit' : 'cursor' });
}
add('tenants with a cursor holding a null byte', { method: 'get', path: `/v1/tenants?cursor=${enc('a\u0000')}`, field: 'cursor' });
add('members with a cursor that is not an id', { method: 'get', path: () => `/v1/tenants/${t.name}/members?cursor=${enc('not-a-uuid')}`, field: 'cursor' });
add('tenant api-keys with a cursor that is not an id', { method: 'get', path: () => `/v1/tenants/${t.name}/api-keys?cursor=${enc('zzz')}`, field: 'cursor' });
add('admin api-keys with a cursor that is not an id', { method: 'get', path: `/v1/api-keys?cursor=${enc('zzz')}`, field: 'cursor' });
add('audit events with a cursor whose id is not an id', {
  method: 'get',
  path: `/v1/audit-events?cursor=${enc('2024-01-01T00:00:00.000Z|nope')}`,
  field: 'cursor',
});
add('audit events with a cursor without an id', { method: 'get', path: `/v1/audit-events?cursor=${enc('2024-01-01')}`, field: 'cursor' });
add('audit events with since=yesterday', { method: 'get', path: '/v1/audit-events?since=yesterday', field: 'since' });
add('audit events with a bad tenant', { method: 'get', path: '/v1/audit-events?tenant=..%2Fx', field: 'tenant' });
add('a repeated limit', { method: 'get', path: '/v1/clusters?limit=1&limit=2', field: 'limit' });

// If-Match.
for (const value of ['abc', '"abc"', '"1" junk', '"-1"', '"99999999999"', 'W/', '""']) {
  add(`PATCH with If-Match ${value}`, {
    method: 'patch',
    path: () => `/v1/clusters/${cluster}`,
    body: { displayName: 'x' },
    headers: { 'If-Match': value },
    field: 'If-Match',
  });
}
add('DELETE with If-Match abc', { method: 'delete', path: () => `/v1/tenants/${t.name}`, headers: { 'If-Match': 'abc' }, field: 'If-Match' });

// Namespace requests, namespaces, previews, Flux routes.
const nsr = nsrPath;
add('a request without a name', { method: 'post', path: nsr, body: { cluster: 'c' }, field: 'name' });
add('a request with a name that is an object', { method: 'post', path: nsr, body: { name: { x: 1 }, cluster: 'c' }, field: 'name' });
add('a request with bad quantities', { method: 'post', path: nsr, body: { name: 'x', cluster: 'c', resources: { 'requests.cpu': '2x' } }, field: 'resources' });
add('a request with a negative quantity', {
  method: 'post',
  path: nsr,
  body: { name: 'x', cluster: 'c', resources: { 'requests.cpu': '-1' } },
  field: 'resources',
});
add('a request with labels holding numbers', { method: 'post', path: nsr, body: { name: 'x', cluster: 'c', labels: { a: 1 } }, field: 'labels' });
add('a request with a null byte in a label key', { method: 'post', path: nsr, body: { name: `${'x'}`, cluster: 'c', labels: { 'a\u0000': 'b' } } });
add('a request with access as a string', { method: 'post', path: nsr, body: { name: 'x', cluster: 'c', access: 'edit' }, field: 'access' });
add('a request with an unknown network profile', {
  method: 'post',
  path: nsr,
  body: { name: 'x', cluster: 'c', networkPolicy: 'wide-open' },
  field: 'networkPolicy',
});
add('a request with a huge ttl string', { method: 'post', path: nsr, body: { name: 'x', cluster: 'c', ttl: '9'.repeat(500) }, field: 'ttl' });
add('a request with an absurd but short ttl', { method: 'post', path: nsr, body: { name: 'x', cluster: 'c', ttl: '99999999999999999999h' } });
add('a request with dryRun=maybe', { method: 'post', path: () => `${nsr()}?dryRun=maybe`, body: { name: 'x', cluster: 'c' }, field: 'dryRun' });
add('a request with a bad Idempotency-Key', {
  method: 'post',
  path: nsr,
  body: { name: 'x', cluster: 'c' },
  headers: { 'Idempotency-Key': 'a b' },
  field: 'Idempotency-Key',
});
add('a request list with an unknown state', { method: 'get', path: () => `${nsr()}?state=Exploded`, field: 'state' });
add('a request id that is not a uuid', { method: 'get', path: '/v1/namespace-requests/..%2F..%2Fetc', field: 'id' });
add('approving a request id that is not a uuid', { method: 'post', path: '/v1/namespace-requests/1/approve', body: {}, field: 'id' });
// The guard looks the request up before the body is validated (an unknown one is a 404); a missing comment on a real one is 400 (namespace-requests spec).
add('rejecting an unknown request without a comment', { method: 'post', path: '/v1/namespace-requests/00000000-0000-4000-8000-000000000000/reject', body: {} });
add('a namespace change with an unknown field', {
  method: 'patch',
  path: () => `/v1/tenants/${t.name}/namespaces/${t.name}-x`,
  body: { name: 'rename' },
  field: 'name',
});
add('a namespace name with a slash', { method: 'get', path: () => `/v1/tenants/${t.name}/namespaces/a%2Fb`, field: 'name' });
add('usage of a tenant name with dots', { method: 'get', path: '/v1/tenants/..%2E/usage', field: 'tenant' });
add('a preview without a pull request number', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/previews`,
  body: { repository: 'org/repo', headSha: 'abcdef1' },
  field: 'pullRequest',
});
add('a preview with a negative pull request', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/previews`,
  body: { repository: 'org/repo', pullRequest: -3, headSha: 'abcdef1' },
  field: 'pullRequest',
});
add('a preview with a bad sha', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/previews`,
  body: { repository: 'org/repo', pullRequest: 3, headSha: 'zzz' },
  field: 'headSha',
});
add('deleting a preview with a non-numeric number', { method: 'delete', path: () => `/v1/tenants/${t.name}/previews/abc`, field: 'pullRequest' });
add('flux inputs without a cluster', { method: 'get', path: '/v1/flux/inputs', field: 'cluster' });
add('flux inputs for a cluster with a null byte', { method: 'get', path: '/v1/flux/inputs?cluster=a%00b', field: 'cluster' });
add('a flux event without a signature', { method: 'post', path: '/v1/flux/events?cluster=x', body: { involvedObject: {} } });
add('a flux event that is not JSON', { method: 'post', path: '/v1/flux/events?cluster=x', raw: '{nope', contentType: 'application/json' });

// Cursors that are not ours: any base64url that does not decode to a cursor of this list.
const lists: Array<[string, () => string]> = [
  ['clusters', () => '/v1/clusters'],
  ['quota tiers', () => '/v1/quota-tiers'],
  ['tenants', () => '/v1/tenants'],
  ['members', () => `/v1/tenants/${t.name}/members`],
  ['tenant api keys', () => `/v1/tenants/${t.name}/api-keys`],
  ['admin api keys', () => '/v1/api-keys'],
  ['audit events', () => '/v1/audit-events'],
  ['namespaces', () => `/v1/tenants/${t.name}/namespaces`],
  ['tenant namespace requests', () => `/v1/tenants/${t.name}/namespace-requests`],
  ['namespace requests', () => '/v1/namespace-requests'],
  ['previews', () => `/v1/tenants/${t.name}/previews`],
  ['flux inputs', () => `/v1/flux/inputs?cluster=${cluster}`],
];
const withQuery = (p: string, q: string) => `${p}${p.includes('?') ? '&' : '?'}${q}`;
for (const [list, base] of lists) {
  for (const [what, cursor] of [
    ['a word', () => enc('zzz')],
    ['a uuid', () => enc('00000000-0000-4000-8000-000000000000')],
    ['a JSON object', () => enc('{"id":1}')],
    ['a number', () => enc('7')],
    ['a lone surrogate escape', () => enc('["clusters","\\ud800"]')],
    ["another list's cursor", () => (list === 'clusters' ? tiersCursor : clustersCursor)],
  ] as const) {
    add(`${list} with a cursor that is ${what}`, { method: 'get', path: () => withQuery(base(), `cursor=${cursor()}`), field: 'cursor' });
  }
}

// Strings PostgreSQL cannot store: lone UTF-16 surrogates, anywhere (like NUL).
const lone = '\ud800';
add('a lone surrogate in a cluster displayName', {
  method: 'post',
  path: '/v1/clusters',
  body: { name: 'lone-c1', displayName: `a${lone}b` },
  field: 'displayName',
  absent: () => '/v1/clusters/lone-c1',
});
add('a lone surrogate in a cluster label value', {
  method: 'post',
  path: '/v1/clusters',
  body: { name: 'lone-c2', labels: { env: lone } },
  field: 'labels',
  absent: () => '/v1/clusters/lone-c2',
});
add('a lone low surrogate in a tenant displayName', {
  method: 'patch',
  path: () => `/v1/tenants/${t.name}`,
  body: { displayName: 'x\udc00' },
  field: 'displayName',
});
add('a lone surrogate in a tier displayName', {
  method: 'post',
  path: '/v1/quota-tiers',
  body: { name: 'lone-q1', displayName: lone, resources: { pods: '1' } },
  field: 'displayName',
  absent: () => '/v1/quota-tiers/lone-q1',
});
add('a lone surrogate in a budget key', { method: 'patch', path: () => `/v1/tenants/${t.name}`, body: { budget: { [lone]: '1' } }, field: 'budget' });
add('a lone surrogate in a subject name', {
  method: 'post',
  path: () => `/v1/tenants/${t.name}/members`,
  body: { subject: { kind: 'User', name: `eve${lone}` }, role: 'viewer' },
  field: 'subject.name',
});
add('a lone surrogate in an api key name', { method: 'post', path: '/v1/api-keys', body: { name: `k${lone}` }, field: 'name' });
add('a lone surrogate in a request annotation', {
  method: 'post',
  path: nsrPath,
  body: { name: 'x', cluster: 'c', annotations: { 'example.com/note': `a${lone}` } },
  field: 'annotations',
});
add('a lone surrogate in a request label key', { method: 'post', path: nsrPath, body: { name: 'x', cluster: 'c', labels: { [lone]: 'b' } }, field: 'labels' });
add('a lone surrogate in a request reason', {
  method: 'post',
  path: nsrPath,
  body: { name: 'x', cluster: 'c', tier: 't', reason: `because${lone}` },
  field: 'reason',
});
add('a lone surrogate in a Flux event message', {
  method: 'post',
  path: () => `/v1/flux/events?cluster=${cluster}`,
  body: { involvedObject: { kind: 'Kustomization', name: 'berth-tenants' }, message: lone },
  field: 'message',
});
add('a surrogate encoded as UTF-8 bytes in a query string', { method: 'get', path: '/v1/audit-events?tenant=%ED%A0%80' });
add('a surrogate encoded as UTF-8 bytes in a path', { method: 'get', path: '/v1/tenants/%ED%A0%80/usage' });

// Quantities beyond what the ledger (bigint milli-units) can hold.
for (const [q, budget] of [
  ['9Ei', '9Ei'],
  ['1e64', '1e64'],
  ['9223372036854775807', '9223372036854775807'],
  ['2Pi', '9Pi'],
  ['1e19', '1e19'],
] as const) {
  add(`a tier quantity ${q}`, {
    method: 'post',
    path: '/v1/quota-tiers',
    body: { name: 'huge-tier', resources: { 'requests.cpu': q } },
    field: 'resources',
    mentions: '1Pi',
    absent: () => '/v1/quota-tiers/huge-tier',
  });
  add(`a tier update to quantity ${q}`, {
    method: 'patch',
    path: () => `/v1/quota-tiers/${tier}`,
    body: { resources: { 'requests.cpu': q } },
    field: 'resources',
    mentions: '1Pi',
  });
  add(`a tier limitRange quantity ${q}`, {
    method: 'post',
    path: '/v1/quota-tiers',
    body: { name: 'huge-tier', resources: { pods: '1' }, limitRange: { max: { memory: q } } },
    field: 'limitRange.max',
    mentions: '1Pi',
  });
  add(`a tenant budget ${budget}`, {
    method: 'post',
    path: '/v1/tenants',
    body: { name: 'huge-budget', budget: { 'requests.memory': budget } },
    field: 'budget',
    mentions: '8Pi',
    absent: () => '/v1/tenants/huge-budget',
  });
  add(`a budget update to ${budget}`, {
    method: 'patch',
    path: () => `/v1/tenants/${t.name}`,
    body: { budget: { 'requests.cpu': budget } },
    field: 'budget',
    mentions: '8Pi',
  });
  add(`a request quantity ${q}`, {
    method: 'post',
    path: nsrPath,
    body: { name: `${'x'}`, cluster: 'c', resources: { 'requests.cpu': q } },
    field: 'resources',
    mentions: '1Pi',
  });
}

add('a namespace change to quantity 9Ei', {
  method: 'patch',
  path: () => `/v1/tenants/${t.name}/namespaces/${t.name}-x`,
  body: { resources: { 'limits.memory': '9Ei' } },
  field: 'resources',
  mentions: '1Pi',
});

// Deep nesting where the Idempotency-Key fingerprint would recurse.
add('deeply nested JSON with an Idempotency-Key', {
  method: 'post',
  path: nsrPath,
  raw: `{"name":"x","cluster":"c","labels":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
  contentType: 'application/json',
  headers: { 'Idempotency-Key': 'deep-nesting-1' },
  field: 'body',
});
add('deeply nested objects with an Idempotency-Key', {
  method: 'post',
  path: nsrPath,
  raw: `{"name":"x","cluster":"c","labels":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
  contentType: 'application/json',
  headers: { 'Idempotency-Key': 'deep-nesting-2' },
  field: 'body',
});

// Signed Flux events whose fields have the wrong JSON types.
const fluxEvent = (over: Record<string, unknown>) => ({
  involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'berth-tenants' },
  severity: 'info',
  timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  message: 'Reconciliation finished',
  reason: 'ReconciliationSucceeded',
  metadata: { revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567' },
  ...over,
});
for (const [what, over, field] of [
  ['metadata.revision a number', { metadata: { revision: 42 } }, 'metadata'],
  ['metadata.revision an object', { metadata: { revision: { sha: 'x' } } }, 'metadata'],
  ['metadata.revision an array', { metadata: { revision: ['a'] } }, 'metadata'],
  ['metadata an array', { metadata: ['a'] }, 'metadata'],
  ['message a number', { message: 5 }, 'message'],
  ['involvedObject.name an object', { involvedObject: { kind: 'Kustomization', name: { a: 1 } } }, 'involvedObject.name'],
  ['severity a boolean', { severity: true }, 'severity'],
] as const) {
  add(`a signed Flux event with ${what}`, {
    method: 'post',
    path: () => `/v1/flux/events?cluster=${cluster}`,
    signed: () => JSON.stringify(fluxEvent({ ...over, timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })),
    field,
  });
}

describe('bad input is a 4xx in the error shape, never a 500', () => {
  it.each(cases)('%s', async (_name, c) => {
    const path = typeof c.path === 'function' ? c.path() : c.path;
    const req = api()
      [c.method](path)
      .set(bearer(admin))
      .set(c.headers ?? {});
    let res: Response;
    if (c.signed !== undefined) {
      const raw = c.signed();
      res = await req
        .set('Content-Type', 'application/json')
        .set('X-Signature', `sha256=${createHmac('sha256', fluxSecret).update(raw).digest('hex')}`)
        .send(raw);
    } else if (c.raw !== undefined) {
      res = await req.set('Content-Type', c.contentType ?? 'application/json').send(c.raw);
    } else if (c.body !== undefined) {
      res = await req.send(c.body as object);
    } else {
      res = await req;
    }
    if (c.status !== undefined) expect(res.status).toBe(c.status);
    expectClientError(res, c.field);
    expect(res.body.requestId).toEqual(expect.any(String));
    if (c.mentions !== undefined) expect(JSON.stringify(res.body)).toContain(c.mentions);
    if (c.absent !== undefined) await api().get(c.absent()).set(bearer(admin)).expect(404);
  });

  it('leaves the fixtures intact after all that', async () => {
    const h = bearer(await adminToken());
    await api().get(`/v1/tenants/${t.name}`).set(h).expect(200);
    await api().get(`/v1/clusters/${cluster}`).set(h).expect(200);
    const tierRes = await api().get(`/v1/quota-tiers/${tier}`).set(h).expect(200);
    expect(tierRes.body.resources).toEqual({ 'requests.cpu': '2', 'limits.memory': '8Gi', pods: '50' });
  });
});

/** One HTTP exchange over a raw socket, for input that supertest cannot produce. Resolves when the server answers or closes. */
function rawExchange(
  request: string | Buffer,
  timeoutMs = 15_000,
): Promise<{ status: number; headers: Record<string, string>; body: unknown; elapsedMs: number }> {
  const { port } = app.getHttpServer().address() as net.AddressInfo;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      if (at < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, at).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? text.length);
      const raw = text.slice(at + 4, at + 4 + length);
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* not JSON: the assertion below shows it */
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, elapsedMs: Date.now() - started });
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      const length = /content-length:\s*(\d+)/i.exec(text.slice(0, at))?.[1];
      if (at >= 0 && length !== undefined && Buffer.byteLength(text.slice(at + 4)) >= Number(length)) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', () => (chunks.length ? finish() : (clearTimeout(timer), reject(new Error('closed without an answer')))));
    socket.on('error', () => undefined);
  });
}

function expectShape(res: { status: number; body: unknown }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    statusCode: status,
    error: expect.any(String),
    message: expect.any(String),
    details: expect.arrayContaining([expect.objectContaining({ code: expect.any(String), message: expect.any(String) })]),
    requestId: expect.any(String),
  });
}

describe("Fastify's and Node's own refusals come back in the error shape", () => {
  const auth = () => `Authorization: Bearer ${admin}\r\n`;

  it('431 for headers over the limit', async () => {
    const res = await rawExchange(`GET /v1/clusters HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectShape(res, 431);
  });

  it('400 for a header that is not HTTP', async () => {
    const res = await rawExchange(`GET /v1/clusters HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n`);
    expectShape(res, 400);
  });

  it('400 for a request line that is not HTTP', async () => {
    const res = await rawExchange(`GARBAGE\r\n\r\n`);
    expectShape(res, 400);
  });

  it('408 within the configured time for a body shorter than its Content-Length; nothing stored', async () => {
    const body = JSON.stringify({ name: 'short-body' });
    const res = await rawExchange(
      `POST /v1/clusters HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n${body}`,
    );
    expectShape(res, 408);
    expect(res.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_SECONDS * 1000 - 100);
    expect(res.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_SECONDS * 1000 + 3000);
    await api().get('/v1/clusters/short-body').set(bearer(admin)).expect(404);
  });

  it('408 for headers that never finish', async () => {
    const res = await rawExchange(`GET /v1/clusters HTTP/1.1\r\nHost: x\r\n`);
    expectShape(res, 408);
    expect(res.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_SECONDS * 1000 + 3000);
  });

  it('413, 415 and bad JSON carry the request id they were given', async () => {
    const big = await api()
      .post('/v1/clusters')
      .set(bearer(admin))
      .set('X-Request-Id', 'caller-413')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'big', displayName: 'x'.repeat(1024 * 1024 + 10) }));
    expectShape(big, 413);
    expect(big.body.requestId).toBe('caller-413');
    const xml = await api().post('/v1/clusters').set(bearer(admin)).set('X-Request-Id', 'caller-415').set('Content-Type', 'application/xml').send('<x/>');
    expectShape(xml, 415);
    expect(xml.body.requestId).toBe('caller-415');
    const bad = await api().post('/v1/clusters').set(bearer(admin)).set('Content-Type', 'application/json').send('{"name":');
    expectShape(bad, 400);
  });

  it('400 for an Idempotency-Key holding the UTF-8 bytes of a surrogate (headers are data too); nothing stored', async () => {
    const body = JSON.stringify({ name: `${t.name}-hdr`, cluster, tier });
    const head = `POST /v1/tenants/${t.name}/namespace-requests HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nIdempotency-Key: k`;
    const res = await rawExchange(Buffer.concat([Buffer.from(head), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`\r\nConnection: close\r\n\r\n${body}`)]));
    expectShape(res, 400);
    expect((res.body as { details: Array<{ field?: string }> }).details.map((d) => d.field)).toContain('Idempotency-Key');
    const list = await api().get(`/v1/tenants/${t.name}/namespace-requests`).set(bearer(admin)).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('405 with Allow for a method a known path does not support', async () => {
    const put = await api().put(`/v1/clusters/${cluster}`).set(bearer(admin)).send({});
    expectShape(put, 405);
    expect(put.headers.allow?.split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
    const me = await api().delete('/v1/me').set(bearer(admin));
    expectShape(me, 405);
    expect(me.headers.allow?.split(/,\s*/).sort()).toEqual(['GET', 'HEAD']);
    // Without credentials too: the method is wrong whoever asks.
    expectShape(await api().put('/v1/quota-tiers'), 405);
    // An unknown path stays a 404.
    expectShape(await api().put('/v1/no-such-thing'), 404);
  });
});

describe('quantity limits keep the quota ledger (bigint milli-units) summable', () => {
  it('a tenant holds at most 8Pi of a resource: the request past it is a 422 naming the limit, and usage still adds up', async () => {
    const world = await tenantOnCatalogue(api(), {}, { 'requests.storage': '1Pi' });
    const { tenant } = world;
    const ask = (i: number) =>
      api()
        .post(`/v1/tenants/${tenant.name}/namespace-requests`)
        .set(bearer(tenant.owner))
        .send({ name: `${tenant.name}-big-${i}`, cluster: world.cluster, tier: world.tier });
    for (let i = 0; i < 8; i++) expect((await ask(i)).body).toMatchObject({ state: 'Approved' });
    const ninth = await ask(8);
    expectClientError(ninth, 'resources.requests.storage');
    expect(ninth.status).toBe(422);
    expect(ninth.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'resources.tenant-total-too-large', limit: '8Pi', used: '8Pi' })]),
    );
    const usage = await api().get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.owner)).expect(200);
    expect(JSON.stringify(usage.body)).toContain('8Pi');
  });
});
