import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type CommitAuthor, commitContent, parseGitDate } from './commit';
import { type HashAlgo, objectId, TREE_MODE, type TreeEntry, treeContent } from './objects';
import { sh, tempDir } from './testing';

const FORMATS: HashAlgo[] = ['sha1', 'sha256'];
const HEX = { sha1: 40, sha256: 64 };

/** Names that sort differently as folder and as file, or by UTF-8 bytes and by UTF-16 units. */
const AWKWARD = ['a', 'a.b', 'a-b', 'a0', 'a b', 'ab', 'A', 'b', '_', '~', 'x.yaml', 'x', 'x-y', 'x0', 'ä', 'é', 'e', '日本', '😀', '\uff01', 'z z', '.hidden'];
const MODES = [TREE_MODE, '100644', '100755', '120000', '160000'];
const TYPES: Record<string, string> = { [TREE_MODE]: 'tree', '160000': 'commit' };

/** A seeded generator, so that a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomEntries(next: () => number, format: HashAlgo): TreeEntry[] {
  const names = AWKWARD.filter(() => next() < 0.5);
  return names.map((name) => ({
    name,
    mode: MODES[Math.floor(next() * MODES.length)],
    oid: randomBytes(HEX[format] / 2).toString('hex'),
  }));
}

/** What `git mktree` makes of each entry list: one `--batch` run, trees separated by an empty line. */
async function mktreeIds(dir: string, trees: TreeEntry[][]): Promise<string[]> {
  const input = trees.map((entries) => entries.map((e) => `${e.mode} ${TYPES[e.mode] ?? 'blob'} ${e.oid}\t${e.name}\0`).join('') + '\0').join('');
  return (await sh(dir, ['mktree', '-z', '--missing', '--batch'], input)).trim().split('\n');
}

async function withRepo<T>(format: HashAlgo, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await tempDir();
  try {
    await sh(dir.path, ['init', '-q', '--bare', `--object-format=${format}`]);
    return await fn(dir.path);
  } finally {
    await dir.cleanup();
  }
}

describe('treeContent', () => {
  for (const format of FORMATS) {
    it(`names the same tree as git mktree for random entries with awkward names (${format})`, async () => {
      await withRepo(format, async (dir) => {
        const next = random(20261201);
        const trees: TreeEntry[][] = [[]];
        for (let i = 0; i < 200; i++) trees.push(randomEntries(next, format));
        // Folder a against files a.b, a-b and a0: as a folder it sorts as 'a/', between '.' and '0'.
        const oid = '1'.repeat(HEX[format]);
        trees.push(['a', 'a.b', 'a-b', 'a0'].map((name, k) => ({ name, mode: k === 0 ? TREE_MODE : '100644', oid })));
        trees.push(['a', 'a.b', 'a-b', 'a0'].map((name) => ({ name, mode: '100644', oid })));
        const ours = trees.map((entries) => objectId('tree', treeContent(entries), format));
        expect(ours).toEqual(await mktreeIds(dir, trees));
      });
    });
  }

  it('writes entries in git order whatever order they come in', () => {
    const oid = 'ab'.repeat(20);
    const entries: TreeEntry[] = [
      { name: 'a0', mode: '100644', oid },
      { name: 'a', mode: TREE_MODE, oid },
      { name: 'a.b', mode: '100755', oid },
    ];
    const names = treeContent(entries)
      .toString('latin1')
      .split('\0')
      .slice(0, 3)
      .map((s) => s.replace(/^.*? /, ''));
    expect(names).toEqual(['a.b', 'a', 'a0']);
  });
});

describe('commitContent', () => {
  const cases: Array<{ author: CommitAuthor; committer: CommitAuthor; message: string }> = [
    {
      author: { name: 'Berth Bot', email: 'berth@example.com', date: '2026-01-01T00:00:00Z' },
      committer: { name: 'Berth Bot', email: 'berth@example.com', date: '@1700000000 +0000' },
      message: 'Create namespace acme-web\n\nRequested by alice.\n\nBerth-Request: req-1\nBerth-Request: req-2\n',
    },
    {
      author: { name: " 'Zoë, Ünïcode'; ", email: ' zoe@example.com. ', date: '@1700000000 -0730' },
      committer: { name: 'Ops\\', email: '"ops@example.com"', date: '2026-03-04T05:06:07+02:00' },
      message: 'Update onboarding of tenants a, b\n',
    },
    {
      author: { name: 'A. N. Other.', email: 'other@example.com', date: '2026-03-04 05:06:07 -0100' },
      committer: { name: 'C', email: 'c@example.com', date: 'Thu, 07 Apr 2005 22:13:13 +0200' },
      message: 'subject only\n',
    },
    {
      author: { name: 'Frac', email: 'f@example.com', date: '2026-03-04T05:06:07.250Z' },
      committer: { name: 'Frac', email: 'f@example.com', date: '2026-03-04T05:06:07.999+0100' },
      message: 'fractions\n\nBerth-Request: r\n',
    },
  ];

  for (const format of FORMATS) {
    it(`is byte for byte what git commit-tree writes, with and without a parent (${format})`, async () => {
      await withRepo(format, async (dir) => {
        const tree = (await sh(dir, ['mktree'], '')).trim();
        const root = (await sh(dir, ['commit-tree', tree, '-m', 'root'])).trim();
        for (const parent of [null, root]) {
          for (const { author, committer, message } of cases) {
            const args = ['commit-tree', '--no-gpg-sign', tree, ...(parent ? ['-p', parent] : []), '-F', '-'];
            const theirs = (await gitWithIdentity(dir, args, message, author, committer)).trim();
            const ours = commitContent({ tree, parent, author, committer, message });
            expect(ours.toString('utf8')).toBe(await sh(dir, ['cat-file', 'commit', theirs]));
            expect(objectId('commit', ours, format)).toBe(theirs);
          }
        }
      });
    });
  }

  it('dates a commit now, in UTC, when no date is given (author and committer alike)', () => {
    const body = commitContent(
      { tree: 'ab'.repeat(20), parent: null, author: { name: 'A', email: 'a@b' }, committer: { name: 'C', email: 'c@d' }, message: 'm\n' },
      1700000123,
    );
    expect(body.toString()).toBe(`tree ${'ab'.repeat(20)}\nauthor A <a@b> 1700000123 +0000\ncommitter C <c@d> 1700000123 +0000\n\nm\n`);
  });
});

describe('parseGitDate', () => {
  it.each([
    ['2026-01-01T00:00:00Z', 1767225600, 0],
    ['@1700000000 +0000', 1700000000, 0],
    ['@1700000000', 1700000000, 0],
    ['@1700000000 -0000', 1700000000, 0],
    ['@1700000000 +0545', 1700000000, 345],
    ['2026-03-04T05:06:07+02:00', 1772593567, 120],
    ['2026-03-04 05:06:07 -0100', 1772604367, -60],
    ['07 Apr 2005 22:13:13 +0200', 1112904793, 120],
  ])('reads %j', (date, seconds, offsetMinutes) => {
    expect(parseGitDate(date)).toEqual({ seconds, offsetMinutes });
  });

  it.each([
    ['yesterday'],
    ['2026-02-30T00:00:00Z'],
    ['2026-03-04T05:06:07'],
    ['2026-03-04T25:00:00Z'],
    ['@1700000000 +0960'],
    ['2100-01-01T00:00:00Z'],
    ['1969-12-31T23:59:59Z'],
    [''],
  ])('refuses %j', (date) => {
    expect(parseGitDate(date)).toBeNull();
  });
});

/** git commit-tree as the fleet writer ran it: identity and dates from GIT_AUTHOR_* and GIT_COMMITTER_*. */
function gitWithIdentity(dir: string, args: string[], input: string, author: CommitAuthor, committer: CommitAuthor): Promise<string> {
  const env = {
    ...process.env,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: author.date,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: committer.date,
  };
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd: dir, env }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(input);
  });
}
