import { FleetPathError } from './errors';

/**
 * Splits a relative POSIX path into segments, refusing anything that could escape the tree or that git would
 * store under another name: absolute paths, `..`, `.`, empty segments (`a//b`, trailing `/`), backslashes,
 * control characters and `.git`.
 */
export function splitPath(path: unknown, what = 'path'): string[] {
  if (typeof path !== 'string' || path.length === 0) throw new FleetPathError(String(path), `${what} must be a non-empty string`);
  if (path.startsWith('/')) throw new FleetPathError(path, 'absolute paths are not allowed');
  if (path.includes('\\')) throw new FleetPathError(path, 'backslashes are not allowed');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new FleetPathError(path, 'control characters are not allowed');
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '') throw new FleetPathError(path, 'empty path segment');
    if (s === '.' || s === '..') throw new FleetPathError(path, `'${s}' segments are not allowed`);
    if (s.toLowerCase() === '.git') throw new FleetPathError(path, "'.git' segments are not allowed");
  }
  return segments;
}

/**
 * The folders and single files the caller owns, e.g. `['tenants/', 'clusters/prod/berth-tenants.yaml']`. An entry
 * ending in `/` is a folder: the folder itself and everything below it are owned. Any other entry is one file.
 */
export class OwnedPaths {
  private readonly folders: string[];
  private readonly files: string[];

  constructor(owned: readonly string[]) {
    if (owned.length === 0) throw new FleetPathError('', 'at least one owned folder must be declared');
    this.folders = owned.filter((o) => o.endsWith('/')).map((o) => splitPath(o.slice(0, -1), 'owned folder').join('/'));
    this.files = owned.filter((o) => !o.endsWith('/')).map((o) => splitPath(o, 'owned file').join('/'));
  }

  /** Validates `path` and returns its segments; throws FleetPathError when it is malformed or not owned. */
  check(path: string): string[] {
    const segments = splitPath(path);
    const joined = segments.join('/');
    if (!this.files.includes(joined) && !this.folders.some((o) => joined === o || joined.startsWith(`${o}/`))) {
      throw new FleetPathError(path, `outside the owned paths (${[...this.folders.map((f) => `${f}/`), ...this.files].join(', ')})`);
    }
    return segments;
  }
}

/** `''` or a relative path such as `fleet` or `envs/prod`: the folder of the repository Berth writes under. */
export function rootSegments(root: string | undefined): string[] {
  if (root === undefined || root === '' || root === '.') return [];
  return splitPath(root.endsWith('/') ? root.slice(0, -1) : root, 'root');
}
