import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@berth/common';
import { toBerthConfig, validateEnv } from '@berth/config';
import { findConsoleRoot } from './console-files';
import { ConsoleService } from './console.service';

// The lookup walks up from the source folder, where this checkout's own build may sit: point it at a temp folder.
jest.mock('./console-files', () => ({ ...jest.requireActual('./console-files'), findConsoleRoot: jest.fn() }));
const lookup = jest.mocked(findConsoleRoot);

describe('ConsoleService: where the built console is', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-console-root-'));
    lookup.mockReset();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return 'served';
    } catch (error) {
      return `${(error as DomainError).status} ${(error as DomainError).details[0]?.code}`;
    }
  };

  it('answers 503 console.not-built until a build appears, then serves it without a restart and stops looking', async () => {
    const root = join(dir, 'dist', 'console');
    lookup.mockImplementation(() => (existsSync(join(root, 'index.html')) ? root : undefined));
    const consoles = new ConsoleService(toBerthConfig(validateEnv({})));

    expect(codeOf(() => consoles.file('/console/'))).toBe('503 console.not-built');
    expect(codeOf(() => consoles.file('/console/tenants/x'))).toBe('503 console.not-built');
    expect(lookup).toHaveBeenCalledTimes(2);

    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    expect(consoles.file('/console/tenants/x')).toEqual({ root, path: 'index.html', cacheControl: 'no-cache' });
    expect(consoles.file('/console/')).toEqual({ root, path: 'index.html', cacheControl: 'no-cache' });
    expect(codeOf(() => consoles.file('/console/requests/1'))).toBe('served');
    // Found once: later requests do not walk the folders again.
    expect(lookup).toHaveBeenCalledTimes(3);
  });
});
