import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './project-root';

const run = promisify(execFile);

/**
 * Applies committed migrations with `prisma migrate deploy` on the wasm schema engine (no native
 * engine download; see prisma/cli-adapter.cjs).
 */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  const root = projectRoot();
  const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
  try {
    await run(process.execPath, ['-r', path.join(root, 'prisma', 'cli-preload.cjs'), cli, 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      timeout: 120_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`prisma migrate deploy failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
}
