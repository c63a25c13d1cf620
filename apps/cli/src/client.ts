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

/** Berth could not be reached at all (connection refused, DNS, TLS): safe to retry an idempotent write. */
export class UnreachableError extends CliError {}

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
      throw new UnreachableError(`Cannot reach Berth at ${this.context.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
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

  /** Every item of a paginated list, following `nextCursor` (500 a page). */
  async all<T>(
    page: (query: { limit: number; cursor?: string }) => Promise<{ data?: { items: T[]; nextCursor?: string | null }; error?: unknown; response: Response }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await this.call(page({ limit: 500, cursor }));
      items.push(...data.items);
      cursor = data.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /**
   * A write sent with an Idempotency-Key: sent again with the same key when Berth was unreachable, answered 503,
   * or 409 with Retry-After (the first attempt still runs). The key makes Berth run it once and replay its answer.
   */
  async idempotent<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>, attempts = 4): Promise<Answer<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call(send());
      } catch (error) {
        const retryAfter = (error as { retryAfter?: number }).retryAfter;
        const retryable =
          error instanceof UnreachableError || (error instanceof BerthApiError && (error.status === 503 || (error.status === 409 && retryAfter !== undefined)));
        if (!retryable || attempt >= attempts) throw error;
        const seconds = Math.min(retryAfter ?? attempt, 10);
        process.stderr.write(`${(error as Error).message}: retrying in ${seconds}s with the same Idempotency-Key\n`);
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      }
    }
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
