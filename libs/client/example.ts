/**
 * What a portal writes against the generated client (`npm run client:check` type-checks it): if the OpenAPI
 * document loses a schema, a field or a status, this stops compiling.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './src/schema';

type ErrorResponse = components['schemas']['ErrorResponse'];

export async function requestNamespace(baseUrl: string, token: string): Promise<string> {
  const berth = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const tenants = await berth.GET('/v1/tenants', { params: { query: { limit: 10 } } });
  const tenant = tenants.data?.items[0]?.name ?? 'payments';
  const { data, error, response } = await berth.POST('/v1/tenants/{tenant}/namespace-requests', {
    params: { path: { tenant } },
    body: { name: 'payments-dev', cluster: 'eu-1', tier: 'small' },
  });
  if (error) return describe(error);
  if (!('id' in data)) return `dry run: ${data.decision.outcome}`; // 200 answers ?dryRun=true
  const etag: string | null = response.headers.get('ETag');
  return `${data.id} ${data.state} v${data.version} ${etag ?? ''}`;
}

function describe(error: ErrorResponse): string {
  const reasons = error.details.map((d) => `${d.field ?? '-'} ${d.code}${d.limit ? ` (limit ${d.limit})` : ''}`);
  return `${error.statusCode} ${error.error}: ${error.message} [${reasons.join('; ')}] ${error.requestId ?? ''}`;
}
