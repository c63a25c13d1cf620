import path from 'node:path';
import { Logger } from '@nestjs/common';
import { BerthConfig } from '@berth/config';
import { initBareFleetRepo } from '@berth/gitops';
import { EmbeddedDatabase, migrateDeploy, startEmbeddedPostgres } from '@berth/prisma';

export interface ResolvedDatabase {
  url: string;
  embedded?: EmbeddedDatabase;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under BERTH_DATA_DIR. Either way the
 * committed migrations are applied before the app starts.
 */
export async function prepareDatabase(config: BerthConfig): Promise<ResolvedDatabase> {
  const logger = new Logger('Database');
  let url = config.databaseUrl;
  let embedded: EmbeddedDatabase | undefined;
  if (!url) {
    const dir = path.join(config.dataDir, 'postgres');
    logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${dir} (port ${config.embeddedPgPort})`);
    embedded = await startEmbeddedPostgres(dir, config.embeddedPgPort);
    await embedded.createDatabase('berth');
    url = embedded.urlFor('berth');
  }
  await migrateDeploy(url);
  logger.log('Migrations applied');
  return { url, embedded };
}

/**
 * BERTH_FLEET_REPO_URL when set; otherwise a bare repository under BERTH_DATA_DIR, created on first
 * start with an initial commit (`git clone ./.berth/fleet.git` shows what Flux would see).
 */
export async function prepareFleetRepo(config: BerthConfig): Promise<string> {
  if (config.fleet.repoUrl) return config.fleet.repoUrl;
  const dir = path.join(config.dataDir, 'fleet.git');
  const { created } = await initBareFleetRepo(dir, config.fleet.branch);
  new Logger('Fleet').log(`BERTH_FLEET_REPO_URL is not set: using ${created ? 'new ' : ''}local bare repository ${dir}`);
  return `file://${dir}`;
}
