import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BootstrapAdminService } from './bootstrap-admin.service';

export const DEMO_TENANT = 'demo';
export const DEMO_CLUSTER = 'local';

/** What the playground is made of, created through the API itself (validated, audited, rendered like any other). */
const DEMO_CALLS: { url: string; body: Record<string, unknown> }[] = [
  { url: '/v1/clusters', body: { name: DEMO_CLUSTER, displayName: 'Local playground cluster', labels: { env: 'dev' } } },
  {
    url: '/v1/quota-tiers',
    body: { name: 'small', displayName: 'Small (500m CPU, 1Gi), approved at once', resources: { 'requests.cpu': '500m', 'limits.memory': '1Gi', pods: '20' } },
  },
  {
    url: '/v1/quota-tiers',
    body: {
      name: 'large',
      displayName: 'Large (2 CPU, 8Gi), needs a platform admin',
      resources: { 'requests.cpu': '2', 'limits.memory': '8Gi', pods: '50' },
      autoApprove: false,
    },
  },
  {
    url: '/v1/tenants',
    body: {
      name: DEMO_TENANT,
      displayName: 'Demo team',
      budget: { 'requests.cpu': '4', 'limits.memory': '16Gi', namespaces: 10 },
      allowedClusters: [DEMO_CLUSTER],
      allowedTiers: ['small', 'large'],
    },
  },
];

/**
 * The embedded playground (BERTH_DEMO=auto, first start only): a cluster, an auto-approved and a gated tier, the
 * tenant `demo` and a developer key for it. Returns the developer key to print once.
 */
export async function seedDemo(app: NestFastifyApplication, adminKey: string): Promise<string> {
  const fastify = app.getHttpAdapter().getInstance();
  for (const call of DEMO_CALLS) {
    const res = await fastify.inject({ method: 'POST', url: call.url, payload: call.body, headers: { authorization: `Bearer ${adminKey}` } });
    if (res.statusCode >= 300) throw new Error(`Demo seed: POST ${call.url} answered ${res.statusCode}: ${res.body}`);
  }
  return app.get(BootstrapAdminService).mintDemoDeveloperKey(DEMO_TENANT);
}
