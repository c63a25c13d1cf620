import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jsonLoggerFromEnv, logUnhandledRejections } from '@berth/common';
import { BerthConfig, configFromEnv } from '@berth/config';
import { WorkerModule } from './worker.module';

/**
 * apps/worker: drains the fleet queue into commits (its configuration's fleet writer is always inline).
 * Needs DATABASE_URL and BERTH_FLEET_REPO_URL (reachable or not: an unreachable remote makes the writer
 * degraded and retried with backoff, it never stops the process); on SIGTERM it finishes or abandons its batch and
 * releases the writer lock at once, so another replica takes over within a second.
 */
async function main(): Promise<void> {
  // One JSON line per log (pretty on a terminal): BERTH_LOG_LEVEL, BERTH_LOG_FORMAT.
  const jsonLogger = jsonLoggerFromEnv('info');
  Logger.overrideLogger(jsonLogger);
  logUnhandledRejections(new Logger('BerthWorker'));
  const env = configFromEnv();
  const config: BerthConfig = { ...env, fleet: { ...env.fleet, writer: 'inline' } };
  if (!config.databaseUrl || !config.fleet.repoUrl) throw new Error('apps/worker needs DATABASE_URL and BERTH_FLEET_REPO_URL');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: jsonLogger });
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  new Logger('BerthWorker').log(`fleet writer running for ${config.fleet.repoUrl.replace(/\/\/[^@/]+@/, '//***@')} (${config.fleet.branch})`);
}

main().catch((error: Error) => {
  new Logger('BerthWorker').error(error.message, error.stack);
  process.exit(1);
});
