import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, parse, resolve, sep } from 'node:path';
import { DomainError, NotFoundError } from '@berth/common';

/** What GET /console/... answers with: a file of the built console, and how long browsers may keep it. */
export interface ConsoleFile {
  root: string;
  /** Relative to root, with forward slashes. */
  path: string;
  cacheControl: string;
}

/** Vite names everything under assets/ by its content hash: those never change; index.html must be revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Where `npm run build:console` put the console: the first `dist/console` holding an index.html, looking up from
 * this file (the TypeScript source and the Nest build sit at different depths below the package root), else below
 * the working directory (a container's WORKDIR). Undefined when the console was never built.
 */
export function findConsoleRoot(from = __dirname, cwd = process.cwd()): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dir === parse(dir).root) break;
  }
  const fallback = join(cwd, 'dist', 'console');
  return existsSync(join(fallback, 'index.html')) ? fallback : undefined;
}

export class ConsoleNotBuiltError extends DomainError {
  constructor() {
    const message = 'The console is not built on this server: run `npm run build:console` (dist/console/index.html is missing)';
    super(503, message, [{ code: 'console.not-built', message }]);
  }
}

/**
 * Maps a path below /console to a file of the build. A path naming a file that exists is that file; any other path
 * without a file extension is a page of the single-page app (a deep link such as /console/tenants/payments, or a
 * reload of one) and answers index.html, so the browser's router takes over; a missing file with an extension (an
 * old asset, a typo) is a 404. Dot files and `..` never resolve.
 */
export function resolveConsoleFile(root: string | undefined, urlPath: string): ConsoleFile {
  if (!root || !existsSync(join(root, 'index.html'))) throw new ConsoleNotBuiltError();
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0].replace(/^\/console\/?/, ''));
  } catch {
    throw new NotFoundError('Console file', urlPath);
  }
  const segments = relative.split('/').filter(Boolean);
  const index = { root, path: 'index.html', cacheControl: REVALIDATE };
  if (segments.length === 0) return index;
  if (segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) throw new NotFoundError('Console file', relative);
  const absolute = resolve(root, ...segments);
  if (absolute.startsWith(root + sep) && isFile(absolute)) {
    return { root, path: segments.join('/'), cacheControl: segments[0] === 'assets' ? IMMUTABLE : REVALIDATE };
  }
  if (extname(segments[segments.length - 1]) !== '') throw new NotFoundError('Console file', relative);
  return index;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
