/**
 * The README's "Portals" example, type-checked by `npm run client:check`: ask for a namespace, then poll it until
 * it is Ready (404 until the request is approved; Approved → Committed → Ready | Failed).
 */
import createClient from 'openapi-fetch';
import type { paths } from './src/schema';

export async function namespaceWhenReady(baseUrl: string, apiKey: string): Promise<void> {
  const berth = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
  const path = { tenant: 'payments', name: 'payments-api' };
  const asked = await berth.POST('/v1/tenants/{tenant}/namespace-requests', {
    params: { path },
    body: { name: path.name, cluster: 'prod-eu-1', tier: 'small' },
  });
  if (asked.error) throw new Error(`${asked.error.message} (${asked.error.details.map((d) => d.code).join(', ')})`);
  for (let state = ''; state !== 'Ready'; await new Promise((wait) => setTimeout(wait, 5000))) {
    const { data } = await berth.GET('/v1/tenants/{tenant}/namespaces/{name}', { params: { path } });
    if (data?.state === 'Failed') throw new Error(data.lastError ?? 'failed');
    state = data?.state ?? 'waiting for approval';
  }
}
