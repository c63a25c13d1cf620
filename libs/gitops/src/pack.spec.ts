import { blobPack } from './pack';
import { sh, tempDir } from './testing';

describe('blobPack', () => {
  for (const format of ['sha1', 'sha256'] as const) {
    it(`is a pack git indexes, holding every blob under its content id (${format} repository)`, async () => {
      const dir = await tempDir();
      try {
        await sh(dir.path, ['init', '-q', '--bare', `--object-format=${format}`]);
        // Empty, small (size in the header's first 4 bits) and large (multi-byte size) blobs, binary bytes too.
        const blobs = [Buffer.alloc(0), Buffer.from('a: 1\n'), Buffer.from('x'.repeat(70_000)), Buffer.from([0, 255, 10, 13, 128])];
        await sh(dir.path, ['index-pack', '--stdin'], blobPack(blobs, format));
        for (const blob of blobs) {
          const oid = (await sh(dir.path, ['hash-object', '--stdin'], blob)).trim();
          const stored = await sh(dir.path, ['cat-file', '-s', oid]);
          expect(Number(stored)).toBe(blob.length);
        }
        expect((await sh(dir.path, ['count-objects', '-v'])).match(/in-pack: (\d+)/)?.[1]).toBe(String(blobs.length));
      } finally {
        await dir.cleanup();
      }
    });
  }
});
