import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * "Does the revision Flux applied contain this namespace's commit?" — yes when it is the same commit or a
 * descendant of it. Two sources, cheapest first:
 *
 * 1. Berth's own ledger: the order in which the fleet writer pushed its commits (one writer at a time,
 *    each commit built on the previous head, so push order is ancestry order on the branch).
 * 2. When the applied SHA is not one of Berth's (a person committed on top), `git merge-base
 *    --is-ancestor` on this process's fleet clone, read-only, if the clone exists and has both commits.
 *
 * Neither knows → null: the namespace stays Committed until a revision Berth can place is applied.
 */
export async function containsCommit(applied: string, commit: string, pushedAt: Map<string, Date>, gitDir?: string): Promise<boolean | null> {
  if (applied === commit) return true;
  const a = pushedAt.get(applied);
  const c = pushedAt.get(commit);
  if (a && c && a.getTime() !== c.getTime()) return c.getTime() < a.getTime();
  return gitDir ? isAncestor(gitDir, commit, applied) : null;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean | null> {
  if (!SHA.test(ancestor) || !SHA.test(descendant) || !existsSync(join(gitDir, 'objects'))) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(
      'git',
      ['--git-dir', gitDir, 'merge-base', '--is-ancestor', ancestor, descendant],
      { timeout: 5000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error) => {
        if (!error) return resolve(true);
        // exit 1: not an ancestor; anything else (unknown object, no repo): cannot tell.
        resolve((error as { code?: unknown }).code === 1 ? false : null);
      },
    );
  });
}
