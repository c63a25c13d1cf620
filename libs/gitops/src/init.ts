import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FleetError } from './errors';
import { gitContext, runGit } from './git';

export interface InitBareFleetRepoResult {
  /** True when this call created the initial commit. */
  created: boolean;
  head: string;
}

const README = `# Fleet repository

Managed by Berth. Flux reconciles this repository; Berth commits approved namespaces under \`tenants/\`.
Do not edit the folders Berth owns by hand: Berth rewrites them to the desired state.
`;

/**
 * Create a bare repository at `path` with one initial commit (a README) on `branch`, unless the branch already
 * exists. Idempotent and safe against a concurrent call (the branch is created with a create-only ref update).
 * Used for the embedded default fleet `./.berth/fleet.git`.
 */
export async function initBareFleetRepo(path: string, branch = 'main'): Promise<InitBareFleetRepoResult> {
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes('..') || branch.startsWith('-')) {
    throw new FleetError(`invalid branch name ${JSON.stringify(branch)}`);
  }
  const dir = resolve(path);
  const ctx = gitContext(undefined, 60_000);
  const ref = `refs/heads/${branch}`;
  const git = (args: string[], input?: string) => runGit(ctx, args, { cwd: dir, input });
  const current = async () => {
    const r = await runGit(ctx, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: dir, allowFailure: true });
    return r.code === 0 ? r.stdout.trim() : null;
  };

  if (!existsSync(join(dir, 'HEAD'))) {
    // Initialize beside the target and rename into place, so that concurrent callers never see half a repository
    // (git init itself is not safe to run twice at once on one folder).
    await mkdir(dirname(dir), { recursive: true });
    const staging = await mkdtemp(`${dir}.init-`);
    try {
      await runGit(ctx, ['init', '--bare', '--quiet', `--initial-branch=${branch}`, staging]);
      await rename(staging, dir).catch((e: NodeJS.ErrnoException) => {
        if (!['EEXIST', 'ENOTEMPTY', 'EISDIR'].includes(e.code ?? '') || !existsSync(join(dir, 'HEAD'))) throw e;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  const existing = await current();
  if (existing) return { created: false, head: existing };

  Object.assign(ctx.env, {
    GIT_AUTHOR_NAME: 'Berth',
    GIT_AUTHOR_EMAIL: 'berth@localhost',
    GIT_COMMITTER_NAME: 'Berth',
    GIT_COMMITTER_EMAIL: 'berth@localhost',
  });
  const blob = (await git(['hash-object', '-w', '--stdin'], README)).stdout.trim();
  const tree = (await git(['mktree'], `100644 blob ${blob}\tREADME.md\n`)).stdout.trim();
  const commit = (await git(['commit-tree', '--no-gpg-sign', tree, '-F', '-'], 'Initialize the fleet repository\n')).stdout.trim();
  // Empty old value: create only. A concurrent initializer that won the race makes this fail; then use its commit.
  const r = await runGit(ctx, ['update-ref', ref, commit, ''], { cwd: dir, allowFailure: true });
  if (r.code !== 0) {
    const winner = await current();
    if (!winner) throw new FleetError(`could not create ${ref} in ${dir}: ${r.stderr.trim()}`);
    return { created: false, head: winner };
  }
  return { created: true, head: commit };
}
