/**
 * The one typed client for Berth's REST API, generated from openapi.json (`npm run client:check` regenerates
 * schema.d.ts). The console and the CLI both talk to Berth through it, so neither can drift from the API.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths } from './schema';
export type Schemas = components['schemas'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type BerthClient = Client<paths>;

/** An API key (`berth_…`) or an OIDC access token: both go as a bearer token. */
export interface BerthClientOptions {
  baseUrl: string;
  token?: string;
  /** Extra headers on every request (a User-Agent for the CLI, say). */
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

export function createBerthClient(options: BerthClientOptions): BerthClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), headers, fetch: options.fetch });
}

/** An answer in the API's one error shape, thrown by `unwrap`; callers print it in the API's own words. */
export class BerthApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorResponse,
  ) {
    super(body.message);
    this.name = 'BerthApiError';
  }
}

/** Anything that is not the error shape (a proxy's HTML page, say) still becomes one, with the status kept. */
export function toErrorResponse(status: number, body: unknown): ErrorResponse {
  if (body && typeof body === 'object' && 'message' in body && 'details' in body) return body as ErrorResponse;
  return {
    statusCode: status,
    error: `HTTP ${status}`,
    message: typeof body === 'string' && body ? body : `HTTP ${status}`,
    details: [],
  } as unknown as ErrorResponse;
}

/** The data of a successful answer, or a BerthApiError carrying the API's error body. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new BerthApiError(response.status, toErrorResponse(response.status, error));
  return data as T;
}

/** One line per reason: `field code (limit …)`, as the console and the CLI show them. */
export function describeReasons(details: ErrorResponse['details']): string[] {
  return details.map((d) => [d.field ?? '-', d.code, d.message ?? '', d.limit ? `(limit ${d.limit})` : ''].filter(Boolean).join(' '));
}
