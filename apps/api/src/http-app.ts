import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger, LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { errorBody, jsonLoggerFromEnv } from '@berth/common';
import { BerthConfig, configFromEnv } from '@berth/config';
import { AppModule } from './app.module';
import { registerHttpSecurity } from './common/http-security';
import { registerConsoleFiles } from './console/console-static';
import { registerMetrics } from './metrics/http-metrics';
import { FLUX_EVENT_BODY_LIMIT_BYTES } from './cluster-status/dto/flux-event.dto';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: headers over 16 KiB (431), a request
 * not received whole within the request timeout (408), bytes that are not HTTP (400). Answer those in
 * the error shape too, with a fresh request id (there is no request to take one from).
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message =
    status === 408
      ? 'The request was not received in time (is the body shorter than its Content-Length?)'
      : status === 431
        ? 'Request headers are too large'
        : 'Malformed HTTP request';
  const requestId = randomUUID();
  const body = JSON.stringify(errorBody(status, message, [{ code: error.code ?? 'client-error', message }], requestId));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * From the moment the server starts to close, a request that still reaches it (pipelined behind one in flight, or
 * on a busy keep-alive connection) is answered 503 in the one error shape with Retry-After and Connection: close,
 * before any handler or database work: a client or load balancer retries on another replica.
 */
function answerWhileClosing(instance: FastifyInstance): void {
  let closing = false;
  instance.addHook('preClose', async () => {
    closing = true;
  });
  instance.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    const message = 'Berth is shutting down on this replica; retry the request';
    return reply
      .code(503)
      .header('retry-after', '1')
      .header('connection', 'close')
      .header('x-request-id', request.id)
      .send(errorBody(503, message, [{ code: 'shutting-down', message }], request.id));
  });
}

export function fastifyAdapter(config: BerthConfig): FastifyAdapter {
  const requestTimeoutMs = config.http.requestTimeoutSeconds * 1000;
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // A request must arrive whole within requestTimeout (else 408); an idle connection is closed after
    // connectionTimeout. Node checks pending requests every connectionsCheckingInterval (default 30 s),
    // so check often enough for the 408 to come within about a second of the timeout.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: config.http.connectionTimeoutSeconds * 1000,
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs / 2) },
    clientErrorHandler,
    // Keep a caller's correlation id when it is sane; otherwise mint one.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logger: false,
    // Requests that reach a closing server get Berth's 503 (answerWhileClosing), not Fastify's bare body.
    return503OnClosing: false,
    // The router refuses a malformed URL (400) or an over-long path parameter (414) before Nest sees the
    // request; answer those in Berth's error shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 400;
      void reply
        .code(status)
        .header('x-request-id', request.id)
        .send(errorBody(status, error.message, [{ code: error.code, message: error.message }], request.id));
    },
  });
  const instance = adapter.getInstance();
  // Flux's notification-controller posts events up to its own 3 MiB body limit (long messages, metadata): only
  // the signed webhook accepts that much; every other route keeps BODY_LIMIT_BYTES.
  instance.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === '/v1/flux/events' && methods.includes('POST')) route.bodyLimit = FLUX_EVENT_BODY_LIMIT_BYTES;
  });
  // Signed webhooks (POST /v1/flux/events) check an HMAC of the exact bytes received: parse JSON with
  // Fastify's own parser (same body limit, same __proto__/constructor refusal) and keep the bytes as
  // `request.rawBody`.
  const parseJson = instance.getDefaultJsonParser('error', 'error');
  instance.removeContentTypeParser('application/json');
  instance.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    (request as unknown as { rawBody?: Buffer }).rawBody = body as Buffer;
    parseJson(request, body as unknown as string, done);
  });
  answerWhileClosing(instance);
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (config.logRequests) {
    // One JSON line per request: request id (the one error bodies carry), method, route template, path (query
    // values masked: they may carry cursors or tokens), status, duration, caller (principal id) and tenant.
    // Never headers or bodies.
    const logger = new Logger('HTTP');
    instance.addHook('onResponse', async (request, reply) => {
      const user = (request.raw as { user?: { actor?: string } }).user ?? (request as unknown as { user?: { actor?: string } }).user;
      const tenant = (request.params as { tenant?: unknown } | undefined)?.tenant;
      const path = maskQuery(request.url);
      const durationMs = Math.round(reply.elapsedTime * 10) / 10;
      logger.log({
        msg: `${request.method} ${path} ${reply.statusCode} ${durationMs}ms`,
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? null,
        path,
        status: reply.statusCode,
        durationMs,
        caller: user?.actor ?? null,
        ...(typeof tenant === 'string' ? { tenant } : {}),
      });
    });
  }
  return adapter;
}

/**
 * A known path asked with a method it does not have: 405 with `Allow`, before authentication (the method is wrong
 * whoever asks). Root hooks also run for requests no route matched. Added after the security headers' hook, so the
 * 405 carries them too.
 */
function addMethodNotAllowed(instance: FastifyInstance): void {
  instance.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0];
    const allowed = METHODS.filter((method) => {
      try {
        return instance.findRoute({ method, url: path }) !== null;
      } catch {
        return false; // a path the router cannot even parse has no methods
      }
    });
    if (allowed.length === 0) return;
    const message = `${request.method} is not supported on ${path}; use ${allowed.join(', ')}`;
    await reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send(errorBody(405, message, [{ code: 'method-not-allowed', message, allowed }], request.id));
  });
}

/** `/v1/x?cursor=abc&limit=5` → `/v1/x?cursor=…&limit=…`. */
export function maskQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const keys = url
    .slice(at + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=…`);
  return `${url.slice(0, at)}?${keys.join('&')}`;
}

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Berth')
    .setDescription('Self-service Kubernetes namespaces: tenants, quota policy, approvals, GitOps to a Flux fleet repository.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'OIDC JWT, or a Berth API key (berth_…)' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * The HTTP application exactly as production runs it; tests boot the same thing. `config`: the configuration
 * main.ts resolved (embedded database and fleet repository included); without it, the environment's.
 */
export async function createHttpApp(options: { config?: BerthConfig; logger?: LoggerService } = {}): Promise<NestFastifyApplication> {
  const config = options.config ?? configFromEnv();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), fastifyAdapter(config), httpAppOptions(options.logger));
  return setUpHttpApp(app, config);
}

/** Nest's options for the HTTP application (a test that overrides a provider builds its own from AppModule). */
export function httpAppOptions(logger?: LoggerService): NestApplicationOptions {
  return {
    // JSON only: Fastify's own JSON parser (same body limit and __proto__ refusal). Nest's default
    // parsers would also accept application/x-www-form-urlencoded bodies.
    bodyParser: false,
    // JSON lines (pretty on a terminal): BERTH_LOG_LEVEL, BERTH_LOG_FORMAT.
    logger: logger ?? jsonLoggerFromEnv(process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}

/** Everything the HTTP edge adds around the modules (security headers, 405s, metrics, console, prefix, docs), then init. */
export async function setUpHttpApp(app: NestFastifyApplication, config: BerthConfig): Promise<NestFastifyApplication> {
  await registerHttpSecurity(app, config);
  addMethodNotAllowed(app.getHttpAdapter().getInstance());
  registerMetrics(app, config);
  await registerConsoleFiles(app);
  // The web console lives at /console (apps/api/src/console), outside the versioned API.
  app.setGlobalPrefix('v1', { exclude: ['healthz', 'readyz', 'console', 'console/config.json', 'console/*path'] });
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'openapi.json', useGlobalPrefix: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
