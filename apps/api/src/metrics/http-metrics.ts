import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BerthConfig } from '@berth/config';
import { assertMetricsTokenFile, BerthMetrics, scrape } from '@berth/common/metrics';

/**
 * Times every response by its route template (`/v1/tenants/:tenant`, never the raw URL: one series per route, not per
 * tenant), method and status; requests no route matched share `route="unmatched"`. Serves `GET /metrics` on the API
 * port unless BERTH_METRICS_PORT moves it to a listener of its own: a plain Fastify route, so outside the API's
 * guards, the rate limit and the OpenAPI document (it is not JSON), and protected by BERTH_METRICS_TOKEN_FILE alone.
 */
export function registerMetrics(app: NestFastifyApplication, config: BerthConfig): void {
  const metrics = app.get(BerthMetrics);
  const instance = app.getHttpAdapter().getInstance();
  instance.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  if (config.metrics.port !== undefined) return;
  assertMetricsTokenFile(config.metrics.tokenFile);
  instance.route({
    method: ['GET', 'HEAD'],
    url: '/metrics',
    config: { rateLimit: false },
    handler: async (request, reply) => {
      const answer = await scrape(metrics, request.headers.authorization, config.metrics.tokenFile);
      if (answer.status !== 200) {
        const body = { ...(JSON.parse(answer.body) as object), requestId: request.id };
        return reply
          .code(answer.status)
          .headers(answer.headers ?? {})
          .send(body);
      }
      return reply.code(200).type(answer.contentType).send(answer.body);
    },
  });
}
