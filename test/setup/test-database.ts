import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
// Relative imports: Jest's moduleNameMapper does not apply to global setup files.
import { startEmbeddedPostgres, EmbeddedDatabase } from '../../libs/prisma/src/embedded-postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/**
 * A fresh, uniquely named database for one test (or benchmark) run: on the server of `server` (default
 * DATABASE_URL; CI: postgres@127.0.0.1:5432) when set, otherwise on an embedded PostgreSQL started for it.
 */
export async function createTestDatabase(server = process.env.DATABASE_URL, prefix = 'berth_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  let embedded: EmbeddedDatabase | undefined;
  let serverUrl = server;
  let dataDir: string | undefined;
  if (!serverUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-pg-'));
    fs.chmodSync(dataDir, 0o777);
    const port = 20000 + Math.floor(Math.random() * 20000);
    embedded = await startEmbeddedPostgres(path.join(dataDir, 'data'), port, false);
    serverUrl = embedded.serverUrl;
  }
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(serverUrl!, 'postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
      if (embedded) await embedded.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
