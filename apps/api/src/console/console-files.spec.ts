import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@berth/common';
import { findConsoleRoot, resolveConsoleFile } from './console-files';

describe('console files', () => {
  let dir: string;
  let root: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-console-'));
    root = join(dir, 'pkg', 'dist', 'console');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    await writeFile(join(root, 'assets', 'index-abc.js'), '');
    await writeFile(join(root, 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'pkg', 'secret.txt'), 'no');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const statusOf = (fn: () => unknown) => {
    try {
      fn();
      return 200;
    } catch (error) {
      return (error as DomainError).status;
    }
  };

  it('finds dist/console by looking up from a folder below the package root', async () => {
    const deep = join(dir, 'pkg', 'dist', 'apps', 'api', 'src', 'console');
    await mkdir(deep, { recursive: true });
    expect(findConsoleRoot(deep, dir)).toBe(root);
    expect(findConsoleRoot(dir, dir)).toBeUndefined();
  });

  it('answers 503 console.not-built in the error shape when the console was never built', () => {
    expect(statusOf(() => resolveConsoleFile(undefined, '/console/'))).toBe(503);
    expect(statusOf(() => resolveConsoleFile(join(dir, 'nowhere'), '/console/tenants/x'))).toBe(503);
    try {
      resolveConsoleFile(undefined, '/console/');
    } catch (error) {
      expect((error as DomainError).details).toEqual([expect.objectContaining({ code: 'console.not-built' })]);
    }
  });

  it.each([
    ['/console', 'index.html', 'no-cache'],
    ['/console/', 'index.html', 'no-cache'],
    ['/console/tenants/payments', 'index.html', 'no-cache'],
    ['/console/requests/0b6e?x=1', 'index.html', 'no-cache'],
    ['/console/assets/index-abc.js', 'assets/index-abc.js', 'public, max-age=31536000, immutable'],
    ['/console/favicon.svg', 'favicon.svg', 'no-cache'],
  ])('%s → %s (%s)', (url, path, cacheControl) => {
    expect(resolveConsoleFile(root, url)).toEqual({ root, path, cacheControl });
  });

  it.each([
    '/console/assets/gone.js',
    '/console/../secret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/.env',
    '/console/%E0%A4%A',
    '/console/a%5c..%5csecret.txt',
  ])('%s → 404', (url) => {
    expect(statusOf(() => resolveConsoleFile(root, url))).toBe(404);
  });
});
