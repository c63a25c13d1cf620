import { execFile } from 'node:child_process';
import { rename, writeFile, symlink, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FleetConflictError, FleetPathError, FleetRemoteError, FleetRepo, type FleetRepoOptions, type FleetTree, initBareFleetRepo } from './index';
import { sh, tempDir } from './testing';

jest.setTimeout(60_000);

const author = { name: 'Berth Bot', email: 'berth@example.com' };

let tmp: { path: string; cleanup: () => Promise<void> };
let remote: string;
const repos: FleetRepo[] = [];

beforeEach(async () => {
  tmp = await tempDir();
  remote = join(tmp.path, 'fleet.git');
  await initBareFleetRepo(remote);
});

afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.close()));
  await tmp.cleanup();
});

function fleet(name: string, extra: Partial<FleetRepoOptions> = {}): FleetRepo {
  const repo = new FleetRepo({
    url: remote,
    workdir: join(tmp.path, `work-${name}`),
    owned: ['tenants/', 'clusters/prod/berth-tenants.yaml'],
    backoffMs: 5,
    maxBackoffMs: 100,
    ...extra,
  });
  repos.push(repo);
  return repo;
}

/** A fresh plain clone of the remote (the way Flux or a human sees it). */
async function cloneRemote(name = 'check'): Promise<string> {
  const dir = join(tmp.path, `clone-${name}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await sh(tmp.path, ['clone', '--quiet', remote, dir]);
  return dir;
}

/**
 * A FleetRepo whose fetches can be counted: its clone is made beforehand with an upload-pack wrapper (the
 * remote side of every fetch from a local remote) that notes each run. Pushes go through receive-pack instead.
 */
async function countingFleet(name: string): Promise<{ repo: FleetRepo; fetches: () => Promise<number> }> {
  const workdir = join(tmp.path, `work-${name}`);
  const log = join(tmp.path, `${name}-fetches.log`);
  const wrapper = join(tmp.path, `${name}-upload-pack`);
  await writeFile(wrapper, `#!/bin/sh\necho fetch >> '${log}'\nexec git upload-pack "$@"\n`, { mode: 0o755 });
  await sh(tmp.path, ['init', '--bare', '-q', workdir]);
  await sh(workdir, ['config', 'remote.origin.uploadpack', wrapper]);
  const fetches = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  return { repo: fleet(name), fetches };
}

/**
 * The subcommands of the gits this process spawns while `fn` runs, through a `git` first in PATH that notes
 * them (not the gits git runs itself: they inherit the marker) and then runs the real one.
 */
async function spawnedGits(fn: () => Promise<void>): Promise<string[]> {
  const real = (await promisify(execFile)('sh', ['-c', 'command -v git'])).stdout.trim();
  const bin = join(tmp.path, 'spy-bin');
  const log = join(tmp.path, 'spawned.log');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'git'), `#!/bin/sh\n[ -n "$BERTH_SPY" ] || echo "$1" >> '${log}'\nexport BERTH_SPY=1\nexec '${real}' "$@"\n`, { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    await fn();
  } finally {
    process.env.PATH = path;
  }
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

const commitCount = async () => Number((await sh(remote, ['rev-list', '--count', 'main'])).trim());

function namespaceFiles(ns: string, version = 1): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['namespace', 'quota', 'limits', 'rolebinding', 'netpol', 'kustomization']) {
    out[`tenants/prod/acme/${ns}/${f}.yaml`] = `# ${f} of ${ns}\nversion: ${version}\n`;
  }
  return out;
}

const writeAll = (files: Record<string, string>) => async (t: FleetTree) => {
  for (const [p, c] of Object.entries(files)) await t.write(p, c);
};

describe('initBareFleetRepo', () => {
  it('creates one initial commit and is idempotent', async () => {
    const again = await initBareFleetRepo(remote);
    expect(again.created).toBe(false);
    const fresh = await initBareFleetRepo(join(tmp.path, 'other.git'), 'trunk');
    expect(fresh.created).toBe(true);
    expect((await initBareFleetRepo(join(tmp.path, 'other.git'), 'trunk')).head).toBe(fresh.head);
    expect(await commitCount()).toBe(1);
    expect((await sh(remote, ['ls-tree', '--name-only', 'main'])).trim()).toBe('README.md');
    expect((await sh(remote, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/main');
  });

  it('is safe when called concurrently', async () => {
    const target = join(tmp.path, 'race.git');
    const results = await Promise.all([1, 2, 3, 4].map(() => initBareFleetRepo(target)));
    expect(new Set(results.map((r) => r.head)).size).toBe(1);
    expect(results.filter((r) => r.created).length).toBe(1);
  });
});

describe('FleetRepo.commitBatch', () => {
  it('commits a batch that a plain clone sees with its message and trailers', async () => {
    const repo = fleet('a');
    await repo.open();
    const result = await repo.commitBatch(writeAll(namespaceFiles('web')), {
      message: 'Create namespace acme-web\n\nRequested by alice.',
      trailers: [
        ['Berth-Request', 'req-1'],
        ['Berth-Request', 'req-2'],
      ],
      author,
    });
    expect(result.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.headSha()).toBe(result.sha);

    const clone = await cloneRemote();
    expect(await readFile(join(clone, 'tenants/prod/acme/web/quota.yaml'), 'utf8')).toBe('# quota of web\nversion: 1\n');
    expect(await readFile(join(clone, 'README.md'), 'utf8')).toContain('Berth');
    expect((await sh(clone, ['rev-parse', 'HEAD'])).trim()).toBe(result.sha);
    expect(await sh(clone, ['log', '-1', '--format=%B'])).toBe(
      'Create namespace acme-web\n\nRequested by alice.\n\nBerth-Request: req-1\nBerth-Request: req-2\n\n',
    );
    expect((await sh(clone, ['log', '-1', '--format=%(trailers:key=Berth-Request,valueonly,separator=%x2C)'])).trim()).toBe('req-1,req-2');
    expect((await sh(clone, ['log', '-1', '--format=%an <%ae>'])).trim()).toBe('Berth Bot <berth@example.com>');
    expect((await sh(clone, ['ls-files', '-s', 'tenants/prod/acme/web/namespace.yaml'])).startsWith('100644 ')).toBe(true);
    await sh(clone, ['fsck', '--strict', '--no-progress']);
  });

  it('makes no commit when nothing changes, however often the same batch runs', async () => {
    const repo = fleet('a');
    const before = await commitCount();
    const first = await repo.commitBatch(writeAll(namespaceFiles('web')), { message: 'web', author });
    expect(first.sha).not.toBeNull();
    for (let i = 0; i < 20; i++) {
      const again = await repo.commitBatch(writeAll(namespaceFiles('web')), { message: `web again ${i}`, author });
      expect(again.sha).toBeNull();
    }
    expect(await repo.commitBatch(async () => undefined, { message: 'nothing', author })).toMatchObject({ sha: null });
    // Changing then restoring a file inside one batch is no change either.
    const flip = await repo.commitBatch(
      async (t) => {
        await t.write('tenants/prod/acme/web/quota.yaml', 'other\n');
        await t.write('tenants/prod/acme/web/quota.yaml', '# quota of web\nversion: 1\n');
        await t.write('tenants/prod/acme/tmp/x.yaml', 'x');
        await t.removeDir('tenants/prod/acme/tmp');
      },
      { message: 'flip', author },
    );
    expect(flip.sha).toBeNull();
    expect(await commitCount()).toBe(before + 1);
  });

  it('re-applies on top of a commit pushed by someone else meanwhile, keeping it (linear history)', async () => {
    const repo = fleet('a');
    const other = await cloneRemote('other');
    let runs = 0;
    const result = await repo.commitBatch(
      async (t) => {
        runs++;
        if (runs === 1) {
          await writeFile(join(other, 'foreign.txt'), 'by hand\n');
          await sh(other, ['add', '-A']);
          await sh(other, ['commit', '-q', '-m', 'foreign change']);
          await sh(other, ['push', '-q', 'origin', 'HEAD:main']);
        }
        await writeAll(namespaceFiles('web'))(t);
      },
      { message: 'web', trailers: [['Berth-Request', 'r1']], author },
    );
    expect(runs).toBe(2);
    expect(result.attempts).toBe(2);
    const clone = await cloneRemote();
    expect(await readFile(join(clone, 'foreign.txt'), 'utf8')).toBe('by hand\n');
    expect(await readFile(join(clone, 'tenants/prod/acme/web/netpol.yaml'), 'utf8')).toContain('netpol of web');
    expect((await sh(clone, ['log', '--format=%s'])).trim().split('\n')).toEqual(['web', 'foreign change', 'Initialize the fleet repository']);
    expect((await sh(clone, ['rev-list', '--merges', '--count', 'HEAD'])).trim()).toBe('0');
  });

  it('gives up with FleetConflictError when every attempt loses the race', async () => {
    const repo = fleet('a', { maxAttempts: 3 });
    const other = await cloneRemote('other');
    let n = 0;
    const attempt = repo.commitBatch(
      async (t) => {
        await writeFile(join(other, 'foreign.txt'), `change ${++n}\n`);
        await sh(other, ['add', '-A']);
        await sh(other, ['commit', '-q', '-m', `foreign ${n}`]);
        await sh(other, ['push', '-q', 'origin', 'HEAD:main']);
        await t.write('tenants/x/a.yaml', 'a');
      },
      { message: 'x', author },
    );
    await expect(attempt).rejects.toBeInstanceOf(FleetConflictError);
    expect(n).toBe(3);
  });

  it('throws a typed error while the remote is away, then succeeds once, without duplicates', async () => {
    const repo = fleet('a');
    await repo.open();
    const away = `${remote}.away`;
    await rename(remote, away);
    const batch = () => repo.commitBatch(writeAll(namespaceFiles('db')), { message: 'db', trailers: [['Berth-Request', 'r-db']], author });
    await expect(batch()).rejects.toBeInstanceOf(FleetRemoteError);
    await expect(batch()).rejects.toThrow(/fleet remote fetch failed/);
    await rename(away, remote);
    expect((await batch()).sha).not.toBeNull();
    expect((await batch()).sha).toBeNull();
    expect(await commitCount()).toBe(2);
    expect((await repo.findCommitsWithTrailer('Berth-Request', ['r-db'])).size).toBe(1);
  });

  it('reports a rejected push (remote refuses writes) as FleetRemoteError', async () => {
    const repo = fleet('a');
    await repo.open();
    await mkdir(join(remote, 'hooks'), { recursive: true });
    await writeFile(join(remote, 'hooks', 'pre-receive'), '#!/bin/sh\necho "branch is protected" >&2\nexit 1\n', { mode: 0o755 });
    const err = await repo.commitBatch(writeAll(namespaceFiles('db')), { message: 'db', author }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetRemoteError);
    expect((err as FleetRemoteError).operation).toBe('push');
    expect((err as Error).message).toMatch(/pre-receive hook declined|protected/);
  });

  it('never puts credentials in error messages', async () => {
    const repo = fleet('https', {
      url: 'https://alice:s3cr3t-pass@127.0.0.1:9/org/fleet.git',
      auth: { username: 'alice', token: 'tok-VERY-SECRET' },
      timeoutMs: 10_000,
    });
    const err = (await repo.open().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(FleetRemoteError);
    expect(err.message).not.toContain('s3cr3t-pass');
    expect(err.message).not.toContain('tok-VERY-SECRET');
    expect(err.message).not.toContain(Buffer.from('alice:tok-VERY-SECRET').toString('base64'));
    expect(err.message).toContain('127.0.0.1');
  });

  it('works on an empty remote (no branch yet) and writes under a root folder', async () => {
    remote = join(tmp.path, 'empty.git');
    await sh(tmp.path, ['init', '--bare', '-q', remote]);
    const repo = fleet('a', { root: 'fleet/envs', branch: 'main' });
    await repo.open();
    expect(await repo.headSha()).toBeNull();
    const result = await repo.commitBatch(async (t) => t.write('tenants/a/ns.yaml', 'a: 1\n'), { message: 'first', author });
    expect((await sh(remote, ['rev-list', '--parents', '-n', '1', 'main'])).trim()).toBe(result.sha);
    expect(await sh(remote, ['show', 'main:fleet/envs/tenants/a/ns.yaml'])).toBe('a: 1\n');
  });

  it('is correct across instances reusing the same workdir one after the other', async () => {
    const a = fleet('shared');
    expect((await a.commitBatch(writeAll(namespaceFiles('one')), { message: 'one', author })).sha).not.toBeNull();
    await a.close();
    const b = fleet('shared');
    expect((await b.commitBatch(writeAll(namespaceFiles('one')), { message: 'one', author })).sha).toBeNull();
    expect((await b.commitBatch(writeAll(namespaceFiles('two')), { message: 'two', author })).sha).not.toBeNull();
    expect(await commitCount()).toBe(3);
  });

  it('spawns git only to fetch, to search trailers, to store one pack and to push (no mktree, no commit-tree)', async () => {
    const repo = fleet('a');
    await repo.commitBatch(writeAll(namespaceFiles('warm')), { message: 'warm', author }); // starts cat-file
    const spawned = await spawnedGits(async () => {
      await repo.findCommitsWithTrailer('Berth-Request', ['r-web']);
      const r = await repo.commitBatch(writeAll(namespaceFiles('web')), {
        message: 'web',
        trailers: [['Berth-Request', 'r-web']],
        author,
        reuseKnownHead: true,
      });
      expect(r.sha).not.toBeNull();
      // A batch that changes nothing in the end stores nothing either.
      await repo.commitBatch(
        async (t) => {
          await t.write('tenants/prod/acme/web/quota.yaml', 'other\n');
          await t.write('tenants/prod/acme/web/quota.yaml', '# quota of web\nversion: 1\n');
        },
        { message: 'flip', author, reuseKnownHead: true },
      );
    });
    expect(spawned).toEqual(['fetch', 'log', 'index-pack', 'push']);
    const clone = await cloneRemote();
    expect((await sh(clone, ['log', '-1', '--format=%(trailers:key=Berth-Request,valueonly)'])).trim()).toBe('r-web');
    await sh(clone, ['fsck', '--strict', '--no-progress']);
  });

  it('stores folders of the same content written in one batch once (a strict index-pack refuses an object twice)', async () => {
    const repo = fleet('a');
    const same = (ns: string) => Object.fromEntries(Object.entries(namespaceFiles('same')).map(([p, c]) => [p.replace('/same/', `/${ns}/`), c]));
    const r = await repo.commitBatch(
      async (t) => {
        await writeAll(same('one'))(t);
        await writeAll(same('two'))(t);
      },
      { message: 'twins', author },
    );
    expect(r.sha).not.toBeNull();
    expect((await sh(remote, ['rev-parse', 'main:tenants/prod/acme/one'])).trim()).toBe((await sh(remote, ['rev-parse', 'main:tenants/prod/acme/two'])).trim());
  });

  it('writes the author and committer with their dates as given, and refuses a date it cannot read before applying', async () => {
    const repo = fleet('a');
    const r = await repo.commitBatch(writeAll(namespaceFiles('web')), {
      message: 'web',
      author: { ...author, date: '2026-01-01T00:00:00Z' },
      committer: { name: 'Ops', email: 'ops@example.com', date: '@1700000000 -0730' },
    });
    expect((await sh(remote, ['log', '-1', '--format=%an <%ae> %at %ai|%cn <%ce> %ct %ci', 'main'])).trim()).toBe(
      'Berth Bot <berth@example.com> 1767225600 2026-01-01 00:00:00 +0000|Ops <ops@example.com> 1700000000 2023-11-14 14:43:20 -0730',
    );
    expect(r.sha).toBe((await sh(remote, ['rev-parse', 'main'])).trim());
    const apply = jest.fn(async () => undefined);
    await expect(async () => repo.commitBatch(apply, { message: 'x', author: { ...author, date: 'yesterday' } })).rejects.toThrow(/author: unsupported date/);
    await expect(async () => repo.commitBatch(apply, { message: 'x', author, committer: { ...author, date: '2026-02-30T00:00:00Z' } })).rejects.toThrow(
      /committer: unsupported date/,
    );
    expect(apply).not.toHaveBeenCalled();
  });

  it('commits to a sha256 repository', async () => {
    remote = join(tmp.path, 'fleet256.git');
    await sh(tmp.path, ['init', '--bare', '-q', '--object-format=sha256', '--initial-branch=main', remote]);
    const workdir = join(tmp.path, 'work-256');
    // FleetRepo's own init makes a sha1 clone, which cannot fetch from a sha256 remote: the clone is made beforehand.
    await sh(tmp.path, ['init', '--bare', '-q', '--object-format=sha256', workdir]);
    const repo = fleet('256');
    const first = await repo.commitBatch(writeAll(namespaceFiles('web')), { message: 'web', trailers: [['Berth-Request', 'r1']], author });
    expect(first.sha).toMatch(/^[0-9a-f]{64}$/);
    const second = await repo.commitBatch(
      async (t) => {
        await t.removeDir('tenants/prod/acme/web');
        await writeAll(namespaceFiles('db'))(t);
      },
      { message: 'db', author },
    );
    expect(second.base).toBe(first.sha);
    expect((await repo.findCommitsWithTrailer('Berth-Request', ['r1'])).get('r1')).toBe(first.sha);
    const clone = await cloneRemote();
    expect((await sh(clone, ['ls-files'])).trim().split('\n')).toEqual(Object.keys(namespaceFiles('db')).sort());
    await sh(clone, ['fsck', '--strict', '--no-progress']);
  });
});

describe('FleetRepo.commitBatch with reuseKnownHead', () => {
  it('builds its first attempt on the head of the last fetch or push, without fetching again', async () => {
    const { repo, fetches } = await countingFleet('a');
    const first = await repo.commitBatch(writeAll(namespaceFiles('one')), { message: 'one', author, reuseKnownHead: true });
    expect(await fetches()).toBe(1); // nothing fetched on this instance yet: it fetches as usual

    await repo.findCommitsWithTrailer('Berth-Request', ['r-two']);
    expect(await fetches()).toBe(2);
    const two = await repo.commitBatch(writeAll(namespaceFiles('two')), { message: 'two', author, reuseKnownHead: true });
    expect(two).toMatchObject({ base: first.sha, attempts: 1 });
    expect(await fetches()).toBe(2);

    const three = await repo.commitBatch(writeAll(namespaceFiles('three')), { message: 'three', author, reuseKnownHead: true });
    expect(three).toMatchObject({ base: two.sha, attempts: 1 });
    expect(await fetches()).toBe(2);

    await repo.commitBatch(writeAll(namespaceFiles('four')), { message: 'four', author });
    expect(await fetches()).toBe(3);
    expect((await sh(remote, ['log', '--format=%s', 'main'])).trim().split('\n')).toEqual(['four', 'three', 'two', 'one', 'Initialize the fleet repository']);
  });

  it('lands once on top of a commit pushed after its last fetch: the stale push is refused, the retry fetches', async () => {
    const { repo, fetches } = await countingFleet('a');
    await repo.findCommitsWithTrailer('Berth-Request', ['r1']);
    const other = await cloneRemote('other');
    await writeFile(join(other, 'foreign.txt'), 'by hand\n');
    await sh(other, ['add', '-A']);
    await sh(other, ['commit', '-q', '-m', 'foreign change']);
    await sh(other, ['push', '-q', 'origin', 'HEAD:main']);
    const foreign = (await sh(remote, ['rev-parse', 'main'])).trim();

    let runs = 0;
    const result = await repo.commitBatch(
      async (t) => {
        runs++;
        await writeAll(namespaceFiles('web'))(t);
      },
      { message: 'web', trailers: [['Berth-Request', 'r1']], author, reuseKnownHead: true },
    );
    expect(runs).toBe(2);
    expect(result).toMatchObject({ base: foreign, attempts: 2 });
    expect(await fetches()).toBe(2);
    const clone = await cloneRemote();
    expect(await readFile(join(clone, 'foreign.txt'), 'utf8')).toBe('by hand\n');
    expect(await readFile(join(clone, 'tenants/prod/acme/web/netpol.yaml'), 'utf8')).toContain('netpol of web');
    expect((await sh(clone, ['log', '--format=%s'])).trim().split('\n')).toEqual(['web', 'foreign change', 'Initialize the fleet repository']);
    expect((await sh(clone, ['log', '--format=%(trailers:key=Berth-Request,valueonly)'])).trim()).toBe('r1');
  });
});

describe('FleetRepo lifecycle', () => {
  it('restarts its helper processes after an idle close, and headSha fetches when asked', async () => {
    const repo = fleet('a', { idleCloseMs: 20 });
    const other = fleet('b');
    expect(await repo.headSha()).toBe((await sh(remote, ['rev-parse', 'main'])).trim());
    await repo.commitBatch(writeAll(namespaceFiles('one')), { message: 'one', author });
    await new Promise((r) => setTimeout(r, 100));
    const two = await repo.commitBatch(writeAll(namespaceFiles('two')), { message: 'two', author });
    expect(two.sha).not.toBeNull();
    const three = await other.commitBatch(writeAll(namespaceFiles('three')), { message: 'three', author });
    expect(await repo.headSha()).toBe(two.sha);
    expect(await repo.headSha({ fetch: true })).toBe(three.sha);
  });
});

describe('FleetTree', () => {
  async function seedForeign(): Promise<void> {
    const clone = await cloneRemote('seed');
    await mkdir(join(clone, 'tenants/prod/evil'), { recursive: true });
    await mkdir(join(clone, 'infra'), { recursive: true });
    await writeFile(join(clone, 'infra/flux.yaml'), 'flux\n');
    await symlink('/etc', join(clone, 'tenants/prod/evil/etc'));
    await symlink('../../../infra', join(clone, 'tenants/link'));
    await writeFile(join(clone, 'tenants/prod/keep.yaml'), 'keep\n');
    await sh(clone, ['add', '-A']);
    await sh(clone, ['commit', '-q', '-m', 'seed']);
    await sh(clone, ['push', '-q', 'origin', 'HEAD:main']);
  }

  it('reads, lists, checks existence and removes folders, leaving everything else alone', async () => {
    await seedForeign();
    const repo = fleet('a');
    await repo.commitBatch(
      async (t) => {
        await writeAll(namespaceFiles('web'))(t);
        await writeAll(namespaceFiles('db'))(t);
      },
      { message: 'two', author },
    );
    const seen: Record<string, unknown> = {};
    const result = await repo.commitBatch(
      async (t) => {
        seen.dirs = await t.listDirs('tenants/prod/acme');
        seen.prod = await t.listDirs('tenants/prod');
        seen.none = await t.listDirs('tenants/nope');
        seen.quota = await t.read('tenants/prod/acme/db/quota.yaml');
        seen.missing = await t.read('tenants/prod/acme/db/nope.yaml');
        seen.missingDeep = await t.read('tenants/prod/acme/db/quota.yaml/x');
        seen.exists = [await t.exists('tenants/prod/acme/web'), await t.exists('tenants/prod/acme/web/namespace.yaml'), await t.exists('tenants/zzz')];
        await t.removeDir('tenants/prod/acme/db');
        await t.remove('tenants/prod/acme/web/netpol.yaml');
        await t.remove('tenants/prod/acme/web/absent.yaml');
        await t.removeDir('tenants/absent');
        seen.after = await t.listDirs('tenants/prod/acme');
        seen.readAfter = await t.read('tenants/prod/acme/db/quota.yaml');
      },
      { message: 'remove db', author },
    );
    expect(seen).toEqual({
      dirs: ['db', 'web'],
      prod: ['acme', 'evil'],
      none: [],
      quota: '# quota of db\nversion: 1\n',
      missing: null,
      missingDeep: null,
      exists: [true, true, false],
      after: ['web'],
      readAfter: null,
    });
    expect(result.sha).not.toBeNull();
    const clone = await cloneRemote();
    const files = (await sh(clone, ['ls-files'])).trim().split('\n');
    expect(files).toEqual([
      'README.md',
      'infra/flux.yaml',
      'tenants/link',
      'tenants/prod/acme/web/kustomization.yaml',
      'tenants/prod/acme/web/limits.yaml',
      'tenants/prod/acme/web/namespace.yaml',
      'tenants/prod/acme/web/quota.yaml',
      'tenants/prod/acme/web/rolebinding.yaml',
      'tenants/prod/evil/etc',
      'tenants/prod/keep.yaml',
    ]);
    // The symlinks are kept as they were (mode 120000), untouched.
    expect((await sh(clone, ['ls-files', '-s', 'tenants/link'])).startsWith('120000 ')).toBe(true);

    // Removing the last file of a folder removes the folder.
    await repo.commitBatch(
      async (t) => {
        for (const f of await t.listDirs('tenants/prod/acme')) await t.removeDir(`tenants/prod/acme/${f}`);
      },
      { message: 'remove all', author },
    );
    expect((await sh(remote, ['ls-tree', '--name-only', 'main', 'tenants/prod/'])).trim().split('\n')).toEqual(['tenants/prod/evil', 'tenants/prod/keep.yaml']);
  });

  it.each([
    ['../x'],
    ['/etc/x'],
    ['tenants/../../x'],
    ['tenants/./x'],
    ['tenants//x'],
    ['tenants/x/'],
    ['tenants\\x'],
    ['tenants/.git/config'],
    ['tenants/a\nb'],
    [''],
    ['infra/flux.yaml'],
    ['tenantsX/a'],
    ['clusters/prod/other.yaml'],
  ])('rejects the path %j', async (bad) => {
    const repo = fleet('a');
    for (const op of [
      (t: FleetTree) => t.write(bad, 'x'),
      (t: FleetTree) => t.read(bad),
      (t: FleetTree) => t.removeDir(bad),
      (t: FleetTree) => t.listDirs(bad),
    ]) {
      await expect(repo.commitBatch(async (t) => void (await op(t)), { message: 'bad', author })).rejects.toBeInstanceOf(FleetPathError);
    }
  });

  it('allows an owned single file', async () => {
    const repo = fleet('a');
    const r = await repo.commitBatch(async (t) => t.write('clusters/prod/berth-tenants.yaml', 'kind: Kustomization\n'), { message: 'c', author });
    expect(r.sha).not.toBeNull();
  });

  it('refuses to read or write through a symlink in the tree', async () => {
    await seedForeign();
    const repo = fleet('a');
    const attempts: Array<(t: FleetTree) => Promise<unknown>> = [
      (t) => t.write('tenants/prod/evil/etc/passwd', 'x'),
      (t) => t.read('tenants/prod/evil/etc/passwd'),
      (t) => t.write('tenants/prod/evil/etc', 'x'),
      (t) => t.write('tenants/link/flux.yaml', 'x'),
      (t) => t.listDirs('tenants/link'),
      (t) => t.remove('tenants/link'),
    ];
    for (const op of attempts) {
      await expect(repo.commitBatch(async (t) => void (await op(t)), { message: 'bad', author })).rejects.toThrow(/symlink/);
    }
    // The folder holding a symlink can still be removed as a whole (nothing is followed).
    expect((await repo.commitBatch((t) => t.removeDir('tenants/prod/evil'), { message: 'rm', author })).sha).not.toBeNull();
    expect(await sh(remote, ['show', 'main:infra/flux.yaml'])).toBe('flux\n');
  });

  it('refuses a file where a folder is, and a folder where a file is', async () => {
    const repo = fleet('a');
    await repo.commitBatch(writeAll(namespaceFiles('web')), { message: 'web', author });
    await expect(repo.commitBatch((t) => t.write('tenants/prod/acme/web', 'x'), { message: 'x', author })).rejects.toThrow(/is a folder/);
    await expect(repo.commitBatch((t) => t.write('tenants/prod/acme/web/quota.yaml/x', 'x'), { message: 'x', author })).rejects.toThrow(/is a file/);
    await expect(repo.commitBatch((t) => t.removeDir('tenants/prod/acme/web/quota.yaml'), { message: 'x', author })).rejects.toThrow(/is a file/);
    await expect(repo.commitBatch(async (t) => void (await t.read('tenants/prod/acme/web')), { message: 'x', author })).rejects.toThrow(/is a folder/);
  });

  it('cannot be used after apply returned', async () => {
    const repo = fleet('a');
    let leaked: FleetTree | undefined;
    await repo.commitBatch(async (t) => void (leaked = t), { message: 'x', author });
    await expect(leaked!.write('tenants/a.yaml', 'x')).rejects.toThrow(/after apply/);
  });
});

describe('FleetRepo.findCommitsWithTrailer', () => {
  it('finds the commit carrying each request', async () => {
    const repo = fleet('a');
    const shas: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await repo.commitBatch(writeAll(namespaceFiles(`ns${i}`)), {
        message: `ns${i}`,
        trailers: [
          ['Berth-Request', `req-${i}a`],
          ['Berth-Request', `req-${i}b`],
          ['Other', `req-x${i}`],
        ],
        author,
      });
      shas.push(r.sha!);
    }
    const found = await repo.findCommitsWithTrailer('Berth-Request', ['req-1b', 'req-3a', 'req-x2', 'nope']);
    expect(Object.fromEntries(found)).toEqual({ 'req-1b': shas[1], 'req-3a': shas[3] });
    expect((await repo.findCommitsWithTrailer('berth-request', ['req-4a'])).get('req-4a')).toBe(shas[4]);
    expect((await repo.findCommitsWithTrailer('Berth-Request', ['req-0a'], { maxCommits: 3 })).size).toBe(0);
    expect((await repo.findCommitsWithTrailer('Berth-Request', ['req-0a', 'req-2a'], { since: shas[1] })).size).toBe(1);
    await expect(repo.findCommitsWithTrailer('Bad,key)', ['x'])).rejects.toThrow(/invalid trailer key/);
  });

  it('sees commits pushed by another writer', async () => {
    const a = fleet('a');
    const b = fleet('b');
    await a.open();
    const r = await b.commitBatch(writeAll(namespaceFiles('web')), { message: 'web', trailers: [['Berth-Request', 'rb']], author });
    expect((await a.findCommitsWithTrailer('Berth-Request', ['rb'])).get('rb')).toBe(r.sha);
  });
});

describe('concurrent writers', () => {
  it('lands every batch of three instances exactly once, in a linear history', async () => {
    const writers = ['w1', 'w2', 'w3'].map((w) => fleet(w, { maxAttempts: 60, backoffMs: 5, maxBackoffMs: 200 }));
    const perWriter = 30;
    await Promise.all(
      writers.map(async (repo, w) => {
        for (let i = 0; i < perWriter; i++) {
          const files = namespaceFiles(`w${w}-${i}`);
          const r = await repo.commitBatch(writeAll(files), { message: `w${w} ${i}`, trailers: [['Berth-Request', `w${w}-${i}`]], author });
          expect(r.sha).not.toBeNull();
        }
      }),
    );
    expect(await commitCount()).toBe(1 + 3 * perWriter);
    expect((await sh(remote, ['rev-list', '--merges', '--count', 'main'])).trim()).toBe('0');
    const trailers = (await sh(remote, ['log', '--format=%(trailers:key=Berth-Request,valueonly)', 'main'])).split('\n').filter(Boolean);
    expect(trailers).toHaveLength(3 * perWriter);
    expect(new Set(trailers).size).toBe(3 * perWriter);
    const dirs = (await sh(remote, ['ls-tree', '--name-only', 'main', 'tenants/prod/acme/'])).trim().split('\n');
    expect(dirs).toHaveLength(3 * perWriter);
    await sh(remote, ['fsck', '--strict', '--no-progress']);
    // 90 contended commits with retries: ~30 s alone, over 60 s late in a full run on two cores (correctness, not speed).
  }, 180_000);
});
