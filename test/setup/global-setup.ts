import { migrateDeploy } from '../../libs/prisma/src/migrate';
import { createTestDatabase, TestDatabase } from './test-database';
import { TEST_JWT_SECRET } from '../helpers/constants';

declare global {
  var __berthTestDatabase: TestDatabase | undefined;
}

/** One fresh database per `npm test` run, migrated with the committed migrations. */
export default async function globalSetup(): Promise<void> {
  const database = await createTestDatabase();
  globalThis.__berthTestDatabase = database;
  await migrateDeploy(database.url);
  // --runInBand: tests run in this process and see these.
  process.env.BERTH_TEST_SERVER_URL = process.env.DATABASE_URL ?? '';
  process.env.DATABASE_URL = database.url;
  process.env.NODE_ENV = 'test';
  process.env.BERTH_JWT_SECRET = TEST_JWT_SECRET;
  process.env.BERTH_JWT_ISSUER = 'https://idp.test';
  process.env.BERTH_JWT_AUDIENCE = 'berth';
  process.env.BERTH_BOOTSTRAP_ADMIN_KEY = '';
  // Suites send hundreds of requests a minute with one token; test/http-security.e2e-spec.ts tests the limit itself.
  process.env.BERTH_RATE_LIMIT_PER_MINUTE = '0';
}
