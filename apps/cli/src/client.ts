import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BerthApiError, createBerthClient, type BerthClient } from '@berth/client';
import { configPath, readConfig, resolveContext, writeConfig, type Context } from './config';
import { CliError, UsageError } from './exit-codes';
import { refresh } from './oidc';

/** The package's version, from the nearest package.json named `berth` (the same from src and from dist). */
export function cliVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'berth') return pkg.version ?? '0.0.0';
  }
  return '0.0.0';
}

export interface GlobalOptions {
  context?: string;
  output: 'table' | 'json' | 'yaml';
  tenant?: string;
}

export interface Answer<T> {
  data: T;
  status: number;
  /** The ETag of a single resource (its version), for `If-Match`. */
  etag?: string;
}

export class Session {
  constructor(
    readonly name: string,
    readonly context: Context,
    readonly client: BerthClient,
  ) {}

  /** `--tenant`, else the context's default tenant; a usage error without either. */
  tenant(flag?: string): string {
    const tenant = flag ?? this.context.tenant;
    if (!tenant) throw new UsageError('No tenant: pass --tenant <name> (or set a default: berth config set-context --tenant <name>)');
    return tenant;
  }

  /** Awaits an openapi-fetch call: the data, or a BerthApiError in the API's words, or a CliError when Berth is unreachable. */
  async call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Answer<T>> {
    let answer: { data?: T; error?: unknown; response: Response };
    try {
      answer = await request;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`Cannot reach Berth at ${this.context.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const { data, error, response } = answer;
    if (error !== undefined || !response.ok) {
      const body =
        error && typeof error === 'object' && 'message' in error
          ? (error as BerthApiError['body'])
          : ({
              statusCode: response.status,
              error: `HTTP ${response.status}`,
              message: typeof error === 'string' && error ? error : `HTTP ${response.status}`,
              details: [],
            } as BerthApiError['body']);
      throw new BerthApiError(response.status, {
        ...body,
        details: body.details ?? [],
        requestId: body.requestId ?? response.headers.get('x-request-id') ?? undefined,
      });
    }
    return { data: data as T, status: response.status, etag: response.headers.get('etag') ?? undefined };
  }
}

/** Signs in with the chosen context, renewing an expired OIDC access token first (and saving the new one). */
export async function openSession(options: Pick<GlobalOptions, 'context'>): Promise<Session> {
  const resolved = resolveContext(options.context);
  let context = resolved.context;
  const oidc = context.oidc;
  if (resolved.source === 'config' && oidc?.refreshToken && oidc.expiresAt && oidc.expiresAt - 30 < Date.now() / 1000) {
    const tokens = await refresh(oidc.issuer, oidc.clientId, oidc.refreshToken);
    context = { ...context, token: tokens.bearer, oidc: { ...oidc, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt } };
    const file = readConfig();
    file.contexts[resolved.name] = { ...file.contexts[resolved.name], token: context.token, oidc: context.oidc };
    writeConfig(file, configPath());
  }
  return new Session(resolved.name, context, clientFor(context.url, context.token));
}

export function clientFor(url: string, token?: string): BerthClient {
  return createBerthClient({ baseUrl: url, token, headers: { 'User-Agent': `berth-cli/${cliVersion()}` } });
}
