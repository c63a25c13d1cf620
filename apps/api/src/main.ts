import { Logger } from '@nestjs/common';
import { jsonLoggerFromEnv, logUnhandledRejections } from '@berth/common';
import { BerthConfig, configFromEnv } from '@berth/config';
import { BootstrapAdminService } from './auth/bootstrap-admin.service';
import { DEMO_CLUSTER, DEMO_TENANT, seedDemo } from './auth/demo-seed';
import { prepareDatabase, prepareFleetRepo } from './database';
import { createHttpApp } from './http-app';

async function main(): Promise<void> {
  // Everything this process logs, from here on, is one JSON line (pretty on a terminal).
  Logger.overrideLogger(jsonLoggerFromEnv('info'));
  const logger = new Logger('Berth');
  logUnhandledRejections(logger);
  const env = configFromEnv();
  const database = await prepareDatabase(env);
  // The environment, validated once, completed with what this bootstrap resolved: passed in, never written back.
  const config: BerthConfig = { ...env, databaseUrl: database.url, fleet: { ...env.fleet, repoUrl: await prepareFleetRepo(env) } };

  const app = await createHttpApp({ config });
  // Graceful stop: Nest closes HTTP, the fleet writer (its batch finishes, its lock is released) and
  // the database pool; the embedded PostgreSQL, if any, stops last; the process exits 0.
  const stop = async (signal: string) => {
    logger.log(`${signal}: shutting down`);
    await app.close();
    await database.embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen({ port: config.port, host: config.host });

  const base = `http://localhost:${config.port}`;
  const generated = app.get(BootstrapAdminService).generatedKey;
  // The playground: only on an embedded database's first start (the bootstrap key was just generated).
  const demoKey = generated && database.embedded && config.demo === 'auto' ? await seedDemo(app, generated) : undefined;
  const demo = demoKey
    ? [
        `Playground: tenant "${DEMO_TENANT}" on cluster "${DEMO_CLUSTER}", tiers small (approved at once) and large (needs an admin).`,
        'Developer API key of tenant demo (shown once; sign in with it to request, with the admin key to approve):',
        `    ${demoKey}`,
      ]
    : [];
  const auth = generated
    ? ['Bootstrap admin API key (shown once, store it now):', `    ${generated}`, `  Use it as: curl -H "Authorization: Bearer ${generated}" ${base}/v1/me`]
    : config.auth.bootstrapAdminKey
      ? [`Authenticate with BERTH_BOOTSTRAP_ADMIN_KEY: curl -H "X-API-Key: $BERTH_BOOTSTRAP_ADMIN_KEY" ${base}/v1/me`]
      : ['Authenticate with the admin API key printed at first start, an API key, or an OIDC token (Authorization: Bearer …)'];
  // One log line per banner line: readable as JSON lines too (no escaped newlines).
  const banner = [
    `Berth is listening on ${base} (${database.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'})`,
    `  Console:  ${base}/console`,
    `  API:      ${base}/v1`,
    `  OpenAPI:  ${base}/openapi.json   Swagger UI: ${base}/docs`,
    `  Fleet:    ${config.fleet.repoUrl?.replace(/\/\/[^@/]+@/, '//***@')} (branch ${config.fleet.branch}; writer ${config.fleet.writer === 'inline' ? 'in this process' : 'in apps/worker'})`,
    ...auth.map((line) => `  ${line}`),
    ...demo.map((line) => `  ${line}`),
  ];
  for (const line of banner) logger.log(line);
}

main().catch((error: Error) => {
  new Logger('Berth').error(error.message, error.stack);
  process.exit(1);
});
