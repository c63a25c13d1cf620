import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One HTTP answer as a test received it. */
export interface ObservedResponse {
  method: string;
  /** Path and query as requested (`/v1/tenants?limit=5`), or an absolute URL. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (supertest's `res.body`). */
  body: unknown;
  /** The raw body text, when there was one. */
  text?: string;
}

/** Checked against an operation (`problems` empty when it conforms), or skipped with the reason. */
export type Verdict = { operation: string; status: string; problems: string[] } | { skipped: string };

interface Operation {
  id: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, { schema?: unknown; required?: boolean }> }>;
}

interface Route {
  pattern: RegExp;
  params: number;
  template: string;
  operations: Map<string, Operation>;
}

/**
 * Statuses routes answer that their controllers do not document yet (the decorators belong to the controllers'
 * owners): accepted, and listed here so the gap stays visible. test/contract.e2e-spec.ts fails once openapi.json
 * documents one of them, so an entry goes when its decorator arrives.
 */
export const UNDOCUMENTED_YET: Readonly<Record<string, readonly number[]>> = {};

/**
 * Answered by Node's HTTP parser or Fastify's router before any operation runs (in the one error shape, see
 * http-app.ts): 408 request timeout, 414 a path parameter over the router's length limit, 431 headers too large.
 */
const BEFORE_ROUTING = new Set([408, 414, 431]);

/** OpenAPI keywords JSON Schema does not know; annotations only. */
const ANNOTATIONS = new Set(['example', 'xml', 'externalDocs', 'discriminator']);
const SCHEMA_ID = 'openapi';
const OPENAPI_JSON = path.join(__dirname, '..', '..', 'openapi.json');

/**
 * An OpenAPI 3.0 schema as JSON Schema for ajv: `$ref`s to `#/components/schemas/X` point into the
 * definitions of one registered schema, `nullable: true` becomes "null, or the schema" (so it also holds
 * for `allOf`/`$ref`/`enum`, which a plain `type: [..., 'null']` would not), and annotation keywords go.
 * `closed` forbids properties an object schema does not list (responses: an undocumented field is drift).
 */
export function toJsonSchema(node: unknown, closed: boolean): unknown {
  if (Array.isArray(node)) return node.map((child) => toJsonSchema(child, closed));
  if (typeof node !== 'object' || node === null) return node;
  const source = node as Record<string, unknown>;
  if (typeof source.$ref === 'string') return { $ref: source.$ref.replace('#/components/schemas/', `${SCHEMA_ID}#/definitions/`) };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (ANNOTATIONS.has(key) || key === 'nullable') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, toJsonSchema(child, closed)]));
    } else if (key === 'default' || key === 'enum' || key === 'const') {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value, closed);
    }
  }
  const composed = 'allOf' in out || 'anyOf' in out || 'oneOf' in out;
  if (closed && out.properties !== undefined && out.additionalProperties === undefined && !composed) out.additionalProperties = false;
  return source.nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(body)';
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

/**
 * Checks HTTP answers against openapi.json: the status is one the operation documents, the body matches that
 * response's schema (and is empty when it documents none), documented headers match their schema. Paths the
 * document does not describe (unknown routes, /metrics, /healthz, /readyz, /docs, /console), methods it does not
 * list for a path (HEAD, OPTIONS, the 405 of a wrong method) and answers given before routing (408, 414, 431)
 * are skipped, with the reason.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly routes: Route[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } }) {
    this.ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, inlineRefs: false });
    addFormats(this.ajv);
    const schemas = document.components?.schemas ?? {};
    const definitions = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, toJsonSchema(schema, true)]));
    this.ajv.addSchema({ $id: SCHEMA_ID, definitions });
    for (const [template, item] of Object.entries(document.paths)) {
      const operations = new Map<string, Operation>();
      for (const [method, operation] of Object.entries(item))
        operations.set(method.toUpperCase(), { id: `${method.toUpperCase()} ${template}`, responses: operation.responses });
      const segments = template.split('/').map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
      this.routes.push({ pattern: new RegExp(`^${segments.join('/')}$`), params: (template.match(/\{/g) ?? []).length, template, operations });
    }
    // A literal segment wins over a parameter (`/v1/api-keys` before `/v1/{x}`).
    this.routes.sort((a, b) => a.params - b.params);
  }

  static load(file = OPENAPI_JSON): OpenApiContract {
    return new OpenApiContract(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  /** The operation a request reached, or why it has none. */
  operationFor(method: string, url: string): Operation | string {
    const pathname = new URL(url, 'http://berth.test').pathname;
    const route = this.routes.find((candidate) => candidate.pattern.test(pathname));
    if (route === undefined) return `${pathname} is not in openapi.json`;
    return route.operations.get(method.toUpperCase()) ?? `${method.toUpperCase()} is not an operation of ${route.template}`;
  }

  check(res: ObservedResponse): Verdict {
    const operation = this.operationFor(res.method, res.url);
    if (typeof operation === 'string') return { skipped: operation };
    if (BEFORE_ROUTING.has(res.status)) return { skipped: `${res.status} is answered before routing` };
    const status = String(res.status);
    const documented = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
    if (documented === undefined) {
      if (UNDOCUMENTED_YET[operation.id]?.includes(res.status)) return { operation: operation.id, status, problems: [] };
      return { operation: operation.id, status, problems: [`status ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`] };
    }
    const problems: string[] = [];
    const media = documented.content?.['application/json'];
    const contentType = String(res.headers['content-type'] ?? '');
    const empty = res.text === undefined || res.text === '';
    if (documented.content === undefined) {
      if (!empty) problems.push(`documents no body, got ${contentType || 'a body'}: ${res.text?.slice(0, 200)}`);
    } else if (media === undefined) {
      problems.push(`documents ${Object.keys(documented.content).join(', ')} only; the validator knows application/json`);
    } else if (!contentType.startsWith('application/json')) {
      problems.push(`documents application/json, got ${contentType || 'no Content-Type'}`);
    } else if (media.schema !== undefined) {
      const validate = this.validator(media.schema);
      if (!validate(res.body)) problems.push(...(validate.errors ?? []).map(describe));
    }
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const value = res.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`header ${name} is required`);
        continue;
      }
      const schema = header.schema as { type?: string } | undefined;
      const text = Array.isArray(value) ? value.join(', ') : value;
      if (schema?.type === 'integer' && !/^\d+$/.test(text)) problems.push(`header ${name} must be an integer, got ${text}`);
    }
    return { operation: operation.id, status, problems };
  }

  /** One compiled validator per distinct schema (most responses are a `$ref` to a handful of them). */
  private validator(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(toJsonSchema(schema, true) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

let shared: OpenApiContract | undefined;

/** The committed openapi.json, loaded once per test process. */
export function openApiContract(): OpenApiContract {
  shared ??= OpenApiContract.load();
  return shared;
}

/**
 * The assertion `http(app)` adds to every request: an Error naming the operation and each mismatch, or
 * nothing. With BERTH_CONTRACT_LEDGER=<file>, one line per answer (`checked <operation> <status>`,
 * `mismatch <operation> <status>: <problems>` or `skipped <reason>`) is appended there, to count what a run
 * covers; BERTH_CONTRACT_REPORT_ONLY=1 then only records mismatches instead of failing (to survey a suite).
 */
export function contractMismatch(res: ObservedResponse, contract: OpenApiContract = openApiContract()): Error | undefined {
  const verdict = contract.check(res);
  const ledger = process.env.BERTH_CONTRACT_LEDGER;
  if (ledger) {
    const line =
      'skipped' in verdict
        ? `skipped ${verdict.skipped}`
        : verdict.problems.length === 0
          ? `checked ${verdict.operation} ${verdict.status}`
          : `mismatch ${verdict.operation} ${verdict.status}: ${verdict.problems.join(' | ')} || ${res.method} ${res.url} ${res.text?.slice(0, 400) ?? ''}`;
    fs.appendFileSync(ledger, `${line.replace(/\n/g, ' ')}\n`);
    if (process.env.BERTH_CONTRACT_REPORT_ONLY === '1') return undefined;
  }
  if ('skipped' in verdict || verdict.problems.length === 0) return undefined;
  const body = res.text === undefined ? '' : `\nbody: ${res.text.slice(0, 600)}`;
  return new Error(
    `The answer to ${res.method} ${res.url} does not match openapi.json (${verdict.operation} → ${verdict.status}):\n  ${verdict.problems.join('\n  ')}${body}`,
  );
}
