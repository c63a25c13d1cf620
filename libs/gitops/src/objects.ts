import { createHash } from 'node:crypto';

/** The repository's object format: ids are SHA-1 (40 hex digits) or SHA-256 (64). */
export type HashAlgo = 'sha1' | 'sha256';
export type ObjectType = 'commit' | 'tree' | 'blob';

/** A git object's id: the repository's hash over `<type> <size>\0<content>`. */
export function objectId(type: ObjectType, content: Buffer, hashAlgo: HashAlgo): string {
  return createHash(hashAlgo).update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/** The mode git writes for a subtree (no leading zero). */
export const TREE_MODE = '40000';

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** git compares a folder as its name followed by '/', on the UTF-8 bytes (not on JavaScript's UTF-16 units). */
function sortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.mode === TREE_MODE ? `${entry.name}/` : entry.name, 'utf8');
}

/**
 * A tree object's content: `<mode> <name>\0<binary id>` per entry, in git's order (fsck, and so the
 * strict index-pack that stores it, refuses any other order).
 */
export function treeContent(entries: readonly TreeEntry[]): Buffer {
  const sorted = entries.map((entry) => ({ entry, key: sortKey(entry) })).sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const { entry } of sorted) parts.push(Buffer.from(`${entry.mode} ${entry.name}\0`, 'utf8'), Buffer.from(entry.oid, 'hex'));
  return Buffer.concat(parts);
}
