import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  DECORATORS,
  type ApiSchemaOptions,
  type HeadersObject,
} from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { DNS_LABEL, DNS_LABEL_MAX } from './names';

/** OpenAPI view of ErrorDetail (errors.ts): the fields every detail has, plus those policy reasons add. */
export class ErrorDetailResponse {
  @ApiPropertyOptional({ description: 'The field, header or query parameter at fault', example: 'spec.quota.cpu' }) field?: string;
  @ApiProperty({ description: 'Stable machine-readable code', example: 'quota.cpu-over-tier' }) code: string;
  @ApiProperty({ example: 'cpu 8 is above the tier limit 4' }) message: string;
  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    description: 'The limit that was crossed: a quantity in policy reasons, a count for `preview.limit-reached` and `inputs.too-large`',
  })
  limit?: string | number;
  @ApiPropertyOptional({ description: 'Policy reasons: what the request asked for' }) requested?: string;
  @ApiPropertyOptional({ description: 'Policy reasons: what is already in use' }) used?: string;
  @ApiPropertyOptional({ enum: ['deny', 'needs-approval'], description: 'Policy reasons: how the rule decided' }) severity?: string;
  @ApiPropertyOptional({ type: 'integer', description: '`preview.limit-reached`: how many exist now' }) current?: number;
  @ApiPropertyOptional({ description: '`fleet-path-taken`: the cluster that already uses the path' }) cluster?: string;
  @ApiPropertyOptional({ description: '`fleet-path-taken`, `fleet-ownership-collision`: the path in the fleet repository' }) path?: string;
  @ApiPropertyOptional({ type: [String], description: '`fleet-ownership-collision`: who claims the path' }) owners?: string[];
  @ApiPropertyOptional({ type: [String], description: '`method-not-allowed` (405): the methods the path has' }) allowed?: string[];
  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'string' } }],
    description: '`tier-in-use`: how many namespaces use the tier; `tenant-prefix-in-use`: the namespaces whose names take the prefix',
  })
  namespaces?: number | string[];
  @ApiPropertyOptional({ type: 'integer', description: '`tier-in-use`: pending requests that ask for the tier' }) requests?: number;
  @ApiPropertyOptional({ type: [String], description: '`tier-in-use`: the tenants allowed to use the tier' }) tenants?: string[];
  @ApiPropertyOptional({ description: '`tenant-prefix-in-use`: the tenant whose namespaces take the prefix' }) tenant?: string;
  @ApiPropertyOptional({ description: '`tenant-prefix-in-use`: the name prefix (`<tenant>-`)' }) prefix?: string;
}

/** OpenAPI view of ErrorBody: the one body of every 4xx and 5xx answer. */
export class ErrorResponse {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({ example: "Tenant 'payments' not found" }) message: string;
  @ApiProperty({ type: [ErrorDetailResponse] }) details: ErrorDetailResponse[];
  @ApiPropertyOptional({ description: 'Correlation id, also in the X-Request-Id header', example: '4f1c2a9e-…' }) requestId?: string;
}

export const ETAG_HEADER: HeadersObject = {
  ETag: {
    description: 'The row version as a strong ETag; send it back in If-Match to write only if unchanged',
    required: true,
    schema: { type: 'string', example: '"3"' },
  },
};
const RETRY_AFTER: HeadersObject = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

const MEANING: Record<number, string> = {
  400: 'Invalid input: body, query or path parameters (`details` names each field)',
  401: 'Missing or invalid credentials',
  403: 'Authenticated, but not allowed to do this',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict: already exists, still in use, or a request with this Idempotency-Key is in flight (Retry-After)',
  412: 'If-Match does not match the current ETag',
  413: 'Request body too large',
  415: 'Body is not application/json',
  422: 'Refused by policy or a limit; `details` lists the reasons',
  429: 'Too many requests (Retry-After)',
  500: 'Unexpected error; quote the requestId',
  503: 'Busy (a lock could not be taken in time) or a dependency is unavailable (Retry-After)',
};
const WITH_RETRY_AFTER = new Set([409, 429, 503]);

/** Error responses of a route, each with the one error schema (and Retry-After where the server may send it). */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((status) =>
      ApiResponse({ status, description: MEANING[status] ?? 'Error', type: ErrorResponse, headers: WITH_RETRY_AFTER.has(status) ? RETRY_AFTER : undefined }),
    ),
  );

/** What any route can answer, whatever it does: bad input, rate limit, a busy database, the unexpected. */
export const ApiCommonErrors = () => ApiErrors(400, 429, 500, 503);

/** Routes with a JSON body: also too large or not JSON. */
export const ApiBodyErrors = () => ApiErrors(413, 415);

/** What a class-validator constraint means in a JSON schema (the validators Berth's request DTOs use). */
const CONSTRAINTS: Record<string, (args: unknown[]) => Record<string, unknown>> = {
  maxLength: ([max]) => ({ maxLength: max }),
  minLength: ([min]) => ({ minLength: min }),
  // A pattern with flags other than `u` (e.g. `i`) cannot be written in a JSON schema: left to the description.
  matches: ([pattern]) => (pattern instanceof RegExp && pattern.flags.replace('u', '') === '' ? { pattern: pattern.source } : {}),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  isIn: ([values]) => ({ enum: values }),
  arrayMaxSize: ([max]) => ({ maxItems: max }),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  isInt: () => ({ type: 'integer' }),
  isISO8601: () => ({ format: 'date-time' }),
  isUrl: () => ({ format: 'uri' }),
  // Berth's own validators (libs/common validators.ts): their fixed rules; a tighter bound is given in @ApiProperty.
  isDnsLabel: () => ({ pattern: DNS_LABEL.source, maxLength: DNS_LABEL_MAX }),
  isLabelMap: () => ({ maxProperties: 64, additionalProperties: { type: 'string', maxLength: 63 } }),
  isQuantityMap: () => ({ maxProperties: 64 }),
};

const ARRAY_LEVEL = new Set(['maxItems', 'minItems']);

/**
 * A request body's schema says what the server enforces: no properties beyond the declared ones (the global
 * ValidationPipe is `forbidNonWhitelisted`), and each property's lengths, patterns, bounds and enums as its
 * class-validator decorators check them. What `@ApiProperty` states explicitly wins. Put it on every body DTO
 * (each class: schema options are not inherited), and on query and path DTOs for their parameters' constraints.
 */
export function RequestSchema(): ClassDecorator {
  const closed = ApiSchema({ additionalProperties: false } as ApiSchemaOptions);
  return (target) => {
    const prototype = target.prototype as object;
    const derived = new Map<string, { own: Record<string, unknown>; items: Record<string, unknown> }>();
    for (const meta of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
      const rule = meta.name === undefined ? undefined : CONSTRAINTS[meta.name];
      if (rule === undefined) continue;
      const entry = derived.get(meta.propertyName) ?? { own: {}, items: {} };
      for (const [key, value] of Object.entries(rule(meta.constraints ?? []))) {
        if (meta.each && !ARRAY_LEVEL.has(key)) entry.items[key] = value;
        else entry.own[key] = value;
      }
      derived.set(meta.propertyName, entry);
    }
    for (const [property, { own, items }] of derived) {
      const stated = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) as Record<string, unknown> | undefined;
      if (stated === undefined) continue;
      const merged: Record<string, unknown> = { ...own, ...stated };
      if (own.type === 'integer' && (stated.type === Number || stated.type === 'number')) merged.type = 'integer';
      if (typeof own.additionalProperties === 'object' && typeof stated.additionalProperties === 'object') {
        merged.additionalProperties = { ...own.additionalProperties, ...stated.additionalProperties };
      }
      if (Object.keys(items).length > 0 && (stated.isArray || Array.isArray(stated.type))) {
        const itemType = Array.isArray(stated.type) ? stated.type[0] : stated.type;
        merged.type = 'array';
        merged.items = { type: itemType === String ? 'string' : itemType, ...items, ...(stated.items as object | undefined) };
        delete merged.isArray;
      }
      Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, merged, prototype, property);
    }
    closed(target);
  };
}
