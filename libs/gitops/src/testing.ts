import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Test and bench helper (not exported from the index): plain git, as a human or another tool would run it. */
export async function sh(cwd: string, args: string[], input?: string | Buffer): Promise<string> {
  const p = execFileAsync('git', args, {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      LC_ALL: 'C',
      GIT_AUTHOR_NAME: 'Plain',
      GIT_AUTHOR_EMAIL: 'plain@example.com',
      GIT_COMMITTER_NAME: 'Plain',
      GIT_COMMITTER_EMAIL: 'plain@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
  p.child.stdin?.on('error', () => undefined);
  p.child.stdin?.end(input ?? '');
  return (await p).stdout;
}

export async function tempDir(prefix = 'berth-gitops-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
