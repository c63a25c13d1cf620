import { commitContent } from './commit';
import { type HashAlgo, objectId, TREE_MODE, treeContent } from './objects';
import { objectPack, type PackObject, storeObjects } from './pack';
import { sh, tempDir } from './testing';

async function withRepo(format: HashAlgo, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    await sh(dir.path, ['init', '-q', '--bare', `--object-format=${format}`]);
    await fn(dir.path);
  } finally {
    await dir.cleanup();
  }
}

const author = { name: 'Berth Bot', email: 'berth@example.com', date: '@1700000000 +0000' };

/** A raw tree in exactly the given order (treeContent would sort it): to feed git what our encoder must never make. */
function rawTree(entries: Array<[string, string, string]>): Buffer {
  return Buffer.concat(entries.flatMap(([mode, name, oid]) => [Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]));
}

describe('objectPack', () => {
  for (const format of ['sha1', 'sha256'] as const) {
    it(`is a pack git indexes, holding every blob under its content id (${format} repository)`, async () => {
      await withRepo(format, async (dir) => {
        // Empty, small (size in the header's first 4 bits) and large (multi-byte size) blobs, binary bytes too.
        const blobs = [Buffer.alloc(0), Buffer.from('a: 1\n'), Buffer.from('x'.repeat(70_000)), Buffer.from([0, 255, 10, 13, 128])];
        await sh(
          dir,
          ['index-pack', '--stdin'],
          objectPack(
            blobs.map((content) => ({ type: 'blob', content })),
            format,
          ),
        );
        for (const blob of blobs) {
          const oid = (await sh(dir, ['hash-object', '--stdin'], blob)).trim();
          const stored = await sh(dir, ['cat-file', '-s', oid]);
          expect(Number(stored)).toBe(blob.length);
        }
        expect((await sh(dir, ['count-objects', '-v'])).match(/in-pack: (\d+)/)?.[1]).toBe(String(blobs.length));
      });
    });

    it(`stores blobs, trees and a commit naming them in one strict index-pack (${format} repository)`, async () => {
      await withRepo(format, async (dir) => {
        const blob = Buffer.from('kind: Namespace\n');
        const blobId = objectId('blob', blob, format);
        const inner = treeContent([{ mode: '100644', name: 'namespace.yaml', oid: blobId }]);
        const top = treeContent([{ mode: TREE_MODE, name: 'web', oid: objectId('tree', inner, format) }]);
        const tree = objectId('tree', top, format);
        const commit = commitContent({ tree, parent: null, author, committer: author, message: 'web\n' });
        const objects: PackObject[] = [
          { type: 'commit', content: commit },
          { type: 'tree', content: top },
          { type: 'tree', content: inner },
          { type: 'blob', content: blob },
        ];
        await storeObjects((args, input) => sh(dir, args, input), objects, format);
        const sha = objectId('commit', commit, format);
        await sh(dir, ['update-ref', 'refs/heads/main', sha]);
        expect(await sh(dir, ['show', 'main:web/namespace.yaml'])).toBe('kind: Namespace\n');
        await sh(dir, ['fsck', '--strict', '--no-progress']);
      });
    });
  }
});

describe('storeObjects refuses what git would call broken (the safety net under our encoders)', () => {
  const store = (dir: string, objects: PackObject[]) => storeObjects((args, input) => sh(dir, args, input), objects, 'sha1');

  it('a tree whose entries are not in git order', async () => {
    await withRepo('sha1', async (dir) => {
      const blob = { type: 'blob' as const, content: Buffer.from('x') };
      const oid = objectId('blob', blob.content, 'sha1');
      // Folder 'a' sorts as 'a/', after file 'a.b': this order is what a plain name sort gives, and wrong.
      const tree = rawTree([
        ['100644', 'a', oid],
        ['40000', 'b', objectId('tree', treeContent([{ mode: '100644', name: 'x', oid }]), 'sha1')],
        ['100644', 'a.b', oid],
      ]);
      await expect(store(dir, [blob, { type: 'tree', content: tree }])).rejects.toThrow(/treeNotSorted|not properly sorted/);
    });
  });

  it('a tree naming one entry twice', async () => {
    await withRepo('sha1', async (dir) => {
      const blob = { type: 'blob' as const, content: Buffer.from('x') };
      const oid = objectId('blob', blob.content, 'sha1');
      const tree = rawTree([
        ['100644', 'a', oid],
        ['100644', 'a', oid],
      ]);
      await expect(store(dir, [blob, { type: 'tree', content: tree }])).rejects.toThrow(/duplicateEntries|duplicate/i);
    });
  });

  it('a tree naming a blob that is neither in the pack nor in the repository', async () => {
    await withRepo('sha1', async (dir) => {
      const tree = treeContent([{ mode: '100644', name: 'a', oid: objectId('blob', Buffer.from('absent'), 'sha1') }]);
      await expect(store(dir, [{ type: 'tree', content: tree }])).rejects.toThrow(/did not receive expected object/);
    });
  });

  it('a commit with a malformed identity', async () => {
    await withRepo('sha1', async (dir) => {
      const tree = treeContent([]);
      const oid = objectId('tree', tree, 'sha1');
      const commit = Buffer.from(`tree ${oid}\nauthor Berth Bot 1700000000 +0000\ncommitter Berth Bot <b@example.com> 1700000000 +0000\n\nm\n`);
      await expect(
        store(dir, [
          { type: 'tree', content: tree },
          { type: 'commit', content: commit },
        ]),
      ).rejects.toThrow(/missingEmail|bad/i);
    });
  });
});
