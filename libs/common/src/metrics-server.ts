import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { BerthMetrics } from './metrics-registry';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The scrape token (BERTH_METRICS_TOKEN_FILE), read at every scrape so a rotated Secret applies without a restart.
 * True when no token is configured, or when `authorization` is `Bearer <token>` (compared in constant time).
 */
export async function metricsAuthorized(authorization: string | undefined, tokenFile: string | undefined): Promise<boolean> {
  if (!tokenFile) return true;
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  if (!token || !presented) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

/** At start: a token file that cannot be read, or is empty, stops the process (not every later scrape with a 401 or 500). */
export function assertMetricsTokenFile(tokenFile: string | undefined): void {
  if (!tokenFile) return;
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    throw new Error(`BERTH_METRICS_TOKEN_FILE cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!token) throw new Error(`BERTH_METRICS_TOKEN_FILE (${tokenFile}) is empty`);
}

/** The answer to `GET /metrics` on either listener: 401 in Berth's error shape, else the exposition. */
export async function scrape(
  metrics: BerthMetrics,
  authorization: string | undefined,
  tokenFile: string | undefined,
): Promise<{ status: number; contentType: string; body: string; headers?: Record<string, string> }> {
  if (!(await metricsAuthorized(authorization, tokenFile))) {
    const message = 'Scraping /metrics needs the bearer token of BERTH_METRICS_TOKEN_FILE';
    return {
      status: 401,
      contentType: 'application/json; charset=utf-8',
      headers: { 'www-authenticate': 'Bearer realm="berth-metrics"' },
      body: JSON.stringify({ statusCode: 401, error: 'Unauthorized', message, details: [{ code: 'metrics-token-required', message }] }),
    };
  }
  const { contentType, body } = await metrics.render();
  return { status: 200, contentType, body };
}

/**
 * A listener of its own for `GET /metrics` when BERTH_METRICS_PORT is set (the API then serves no /metrics on its
 * port): Prometheus reaches it without API credentials, rate limits or the API's guards, and a NetworkPolicy can open
 * it to the monitoring namespace alone. apps/worker has no other HTTP server, so this is how it exports metrics.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly metrics: BerthMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, tokenFile } = this.config.metrics;
    if (port === undefined) return;
    assertMetricsTokenFile(tokenFile);
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served on this port\n');
        return;
      }
      scrape(this.metrics, request.headers.authorization, tokenFile).then(
        (answer) => response.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers }).end(answer.body),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${error.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on http://${this.config.host}:${this.port()}/metrics${tokenFile ? ' (bearer token required)' : ''}`);
  }

  /** The port actually bound (BERTH_METRICS_PORT=0 picks a free one), undefined when not listening. */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
