import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { BerthConfig } from '@berth/config';

/** The API answers JSON only: nothing may load, frame or submit from one of its responses. */
const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] };

/** Swagger UI (/docs) loads its own scripts and styles, has inline <style> blocks and fetches /openapi.json. */
const DOCS_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/**
 * The web console (/console): its own scripts, styles and images only, no inline code, calls to the API (same
 * origin) and, with OIDC, to the issuer (discovery document and token endpoint; the sign-in page itself is a
 * top-level navigation, which CSP does not govern).
 */
export function consoleCsp(config: BerthConfig): Record<string, string[]> {
  const issuer = config.auth.oidcIssuer && config.auth.consoleOidcClientId ? [new URL(config.auth.oidcIssuer).origin] : [];
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", ...issuer],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
  };
}

function helmetOptions(config: BerthConfig, directives: Record<string, string[]>) {
  const maxAge = config.http.hstsMaxAgeSeconds;
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    // Only where TLS terminates in front of Berth (most ingresses set it themselves); a plain-HTTP port must not send it.
    strictTransportSecurity: maxAge > 0 ? { maxAge, includeSubDomains: true } : false,
  };
}

/**
 * Who a request counts against, known before authentication runs (the limiter answers before any database work):
 * the digest of the credential presented (an API key or a bearer token: one caller, one bucket, and nobody can
 * spend another caller's budget without holding its credential), else the client address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  const credential = typeof apiKey === 'string' && apiKey ? apiKey : authorization?.replace(/^Bearer\s+/i, '');
  if (credential) return `credential:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`;
  return `ip:${request.ip}`;
}

/**
 * Security headers on every response (helmet; a looser CSP for Swagger UI only, the console's own for /console) and a per-caller rate limit
 * (BERTH_RATE_LIMIT_PER_MINUTE, 0: off) answering 429 with Retry-After in the one error shape. Health probes are
 * never limited: a kubelet must not take a busy replica out of service.
 */
export async function registerHttpSecurity(app: NestFastifyApplication, config: BerthConfig): Promise<void> {
  const instance = app.getHttpAdapter().getInstance();
  const docs = helmetOptions(config, DOCS_CSP);
  const consoleHelmet = helmetOptions(config, consoleCsp(config));
  instance.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) route.config = { ...(route.config as object), helmet: docs } as typeof route.config;
    if (route.url === '/console' || route.url.startsWith('/console/'))
      route.config = { ...(route.config as object), helmet: consoleHelmet } as typeof route.config;
  });
  await app.register(helmet, helmetOptions(config, API_CSP));
  const max = config.http.rateLimitPerMinute;
  if (max === 0) return;
  await app.register(rateLimit, {
    max,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    allowList: (request: FastifyRequest) => request.url === '/healthz' || request.url === '/readyz',
    // Thrown by the limiter's hook; the one exception filter turns it into the error shape (code → details[0].code).
    errorResponseBuilder: (_request: FastifyRequest, context: { after: string; max: number }) =>
      Object.assign(new Error(`Too many requests: at most ${context.max} a minute per caller; retry in ${context.after}`), {
        statusCode: 429,
        code: 'rate-limited',
      }),
  });
}
