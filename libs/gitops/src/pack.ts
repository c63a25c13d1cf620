import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { HashAlgo, ObjectType } from './objects';

const TYPE_CODES: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3 };

export interface PackObject {
  type: ObjectType;
  content: Buffer;
}

/** A pack object's header: type and inflated size, 4 bits then 7 bits per byte, least significant first. */
function objectHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/**
 * A version 2 pack of whole (undeltified) objects, for `git index-pack --stdin`: one process stores a batch's
 * blobs, trees and commit, where writing each as a loose object cost a temp file, a round trip and a file in
 * objects/ per blob (about 1 ms each on a busy machine, 0.4 s for a 100-namespace batch), and the trees and the
 * commit a mktree and a commit-tree spawn. The trailer is the repository's object hash over the pack.
 */
export function objectPack(objects: readonly PackObject[], hashAlgo: HashAlgo): Buffer {
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'ascii');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [head];
  for (const { type, content } of objects) parts.push(objectHeader(TYPE_CODES[type], content.length), deflateSync(content, { level: 1 }));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash(hashAlgo).update(body).digest()]);
}

/** Runs one git command in the repository with `input` on its stdin; rejects when git fails. */
export type GitRunner = (args: string[], input: Buffer) => Promise<unknown>;

/**
 * Stores the objects as one pack. `--strict` makes git fsck every object (tree entry order, duplicate names,
 * commit headers) and check that everything they name is in the pack or the repository, so a mistake in our
 * encoders fails the batch here, loudly, instead of reaching the remote.
 */
export async function storeObjects(git: GitRunner, objects: readonly PackObject[], hashAlgo: HashAlgo): Promise<void> {
  if (objects.length === 0) return;
  await git(['index-pack', '--strict', '--stdin'], objectPack(objects, hashAlgo));
}
