import type { FleetTree } from './tree';

/**
 * A FleetTree over a plain map of path → content, without a repository: render what a tree would hold
 * (e.g. to compare it with the remote's). Folders exist while a file lies below them, as in git.
 */
export function memoryTree(files: Map<string, string>): FleetTree {
  const dirsUnder = (path: string) => {
    const prefix = `${path}/`;
    const names = new Set<string>();
    for (const key of files.keys())
      if (key.startsWith(prefix)) {
        const rest = key.slice(prefix.length);
        if (rest.includes('/')) names.add(rest.slice(0, rest.indexOf('/')));
      }
    return [...names].sort();
  };
  return {
    read: async (p) => files.get(p) ?? null,
    write: async (p, c) => void files.set(p, c.toString()),
    remove: async (p) => void files.delete(p),
    removeDir: async (p) => {
      for (const key of [...files.keys()]) if (key.startsWith(`${p}/`)) files.delete(key);
    },
    listDirs: async (p) => dirsUnder(p),
    exists: async (p) => files.has(p) || [...files.keys()].some((key) => key.startsWith(`${p}/`)),
  };
}
