import { Client } from 'pg';

/** Runs one query directly against the test database (process.env.DATABASE_URL), bypassing the app. */
export async function sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Audit events recorded for one request id (tests send a unique `x-request-id` per change). */
export function auditEventsFor(requestId: string) {
  return sql<{ actor: string; action: string; targetType: string; targetId: string; tenantId: string | null; requestId: string }>(
    'SELECT actor, action, "targetType", "targetId", "tenantId", "requestId" FROM "AuditEvent" WHERE "requestId" = $1',
    [requestId],
  );
}
