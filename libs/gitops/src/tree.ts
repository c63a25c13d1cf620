import { FleetPathError, FleetError } from './errors';
import type { CatFileProcess } from './git';
import { type HashAlgo, objectId, TREE_MODE, type TreeEntry, treeContent } from './objects';
import type { OwnedPaths } from './paths';

/**
 * What `commitBatch`'s `apply` sees: the fleet tree at the remote head, paths relative to the configured root.
 * Every path must lie under an owned folder; symlinks and submodules on a path are refused, never followed.
 * `apply` should write desired content (not patch), so that re-running it on a newer head is correct.
 */
export interface FleetTree {
  /** File content as UTF-8, or null when there is no such file. Throws on a folder. */
  read(path: string): Promise<string | null>;
  /** Create or replace a regular file (mode 100644), creating its folders. Writing equal content is a no-op. */
  write(path: string, content: string | Buffer): Promise<void>;
  /** Remove a file; no-op when absent. Folders left empty disappear (git has no empty folders). */
  remove(path: string): Promise<void>;
  /** Remove a folder and everything below it; no-op when absent. */
  removeDir(path: string): Promise<void>;
  /** Names of the immediate subfolders, sorted; [] when the folder is absent. */
  listDirs(path: string): Promise<string[]>;
  /** Whether a file or folder exists at `path`. */
  exists(path: string): Promise<boolean>;
}

interface FileNode {
  kind: 'file';
  mode: string;
  oid: string;
  /** Set for content written in this batch, not yet stored as a blob. */
  content?: Buffer;
}
/** Symlink (120000) or submodule (160000): kept as they are, never traversed or replaced. */
interface OtherNode {
  kind: 'other';
  mode: string;
  oid: string;
}
interface DirNode {
  kind: 'dir';
  /** The tree object this folder was loaded from; null for a folder created in this batch. */
  oid: string | null;
  entries: Map<string, Node> | null;
  loading: Promise<Map<string, Node>> | null;
  dirty: boolean;
}
type Node = FileNode | OtherNode | DirNode;

function dir(oid: string | null): DirNode {
  return { kind: 'dir', oid, entries: oid === null ? new Map() : null, loading: null, dirty: false };
}

/** Parses a raw tree object (`<mode> <name>\0<binary id>` repeated). */
function parseTree(data: Buffer, hashBytes: number): Map<string, Node> {
  const entries = new Map<string, Node>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const nul = data.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0) throw new FleetError('malformed tree object');
    const mode = data.toString('latin1', i, sp);
    const name = data.toString('utf8', sp + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 1 + hashBytes);
    i = nul + 1 + hashBytes;
    if (mode === TREE_MODE) entries.set(name, dir(oid));
    else if (mode === '100644' || mode === '100755') entries.set(name, { kind: 'file', mode, oid });
    else entries.set(name, { kind: 'other', mode, oid });
  }
  return entries;
}

/**
 * An overlay over one base tree: folders are loaded lazily (one `cat-file --batch` round trip each) only along the
 * paths `apply` touches, and `newTrees` encodes only the folders that changed. The cost of a batch therefore
 * depends on the paths it touches and the width of their folders, not on the size of the repository.
 */
export class MutableTree implements FleetTree {
  private readonly top: DirNode;
  private sealed = false;

  constructor(
    private readonly cat: () => CatFileProcess,
    baseTree: string | null,
    private readonly rootSegs: readonly string[],
    private readonly owned: OwnedPaths,
    private readonly hashAlgo: HashAlgo,
  ) {
    this.top = dir(baseTree);
  }

  /** Called when `apply` has returned: later calls (a forgotten promise) must not leak into the next attempt. */
  seal(): void {
    this.sealed = true;
  }

  get changed(): boolean {
    return this.top.dirty;
  }

  blobId(content: Buffer): string {
    return objectId('blob', content, this.hashAlgo);
  }

  private async load(d: DirNode): Promise<Map<string, Node>> {
    if (d.entries) return d.entries;
    if (!d.loading) {
      d.loading = this.cat()
        .read(d.oid!)
        .then((obj) => {
          if (!obj || obj.type !== 'tree') throw new FleetError(`tree ${d.oid} is missing from the local clone`);
          d.entries = parseTree(obj.data, this.hashAlgo === 'sha1' ? 20 : 32);
          return d.entries;
        });
    }
    return d.loading;
  }

  private resolve(path: string): { segs: string[]; full: string[] } {
    if (this.sealed) throw new FleetError('FleetTree used after apply() returned');
    const segs = this.owned.check(path);
    return { segs, full: [...this.rootSegs, ...segs] };
  }

  /**
   * The chain of folders from the top down to the parent of the last segment. Returns null when a folder on the
   * way is absent (or is a file) and `create` is false. A symlink or submodule on the way is always refused.
   */
  private async parents(path: string, full: string[], create: boolean): Promise<DirNode[] | null> {
    const chain: DirNode[] = [this.top];
    let d = this.top;
    for (let i = 0; i < full.length - 1; i++) {
      const entries = await this.load(d);
      let n = entries.get(full[i]);
      if (n?.kind === 'other') throw new FleetPathError(path, `'${full.slice(0, i + 1).join('/')}' is a symlink or submodule`);
      if (n?.kind === 'file') {
        if (!create) return null;
        throw new FleetPathError(path, `'${full.slice(0, i + 1).join('/')}' is a file`);
      }
      if (!n) {
        if (!create) return null;
        n = dir(null);
        entries.set(full[i], n);
      }
      chain.push(n);
      d = n;
    }
    return chain;
  }

  private async leaf(path: string): Promise<{ node: Node | undefined; chain: DirNode[] | null; name: string }> {
    const { full } = this.resolve(path);
    const chain = await this.parents(path, full, false);
    const name = full[full.length - 1];
    if (!chain) return { node: undefined, chain, name };
    const node = (await this.load(chain[chain.length - 1])).get(name);
    if (node?.kind === 'other') throw new FleetPathError(path, 'is a symlink or submodule');
    return { node, chain, name };
  }

  /** Marks the chain dirty, and drops folders the removal left empty. */
  private touched(chain: DirNode[], full: string[]): void {
    for (let i = chain.length - 1; i > 0; i--) {
      if (chain[i].entries!.size > 0) break;
      chain[i - 1].entries!.delete(full[i - 1]);
    }
    for (const d of chain) d.dirty = true;
  }

  async read(path: string): Promise<string | null> {
    const { node } = await this.leaf(path);
    if (!node) return null;
    if (node.kind === 'dir') throw new FleetPathError(path, 'is a folder');
    const file = node as FileNode;
    if (file.content) return file.content.toString('utf8');
    const obj = await this.cat().read(file.oid);
    if (!obj) throw new FleetError(`blob ${file.oid} is missing from the local clone`);
    return obj.data.toString('utf8');
  }

  async write(path: string, content: string | Buffer): Promise<void> {
    const { full } = this.resolve(path);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const oid = this.blobId(bytes);
    const name = full[full.length - 1];
    const chain = (await this.parents(path, full, true))!;
    const entries = await this.load(chain[chain.length - 1]);
    const existing = entries.get(name);
    if (existing?.kind === 'other') throw new FleetPathError(path, 'is a symlink or submodule');
    if (existing?.kind === 'dir') throw new FleetPathError(path, 'is a folder');
    if (existing && existing.oid === oid) return; // same content: keep (and keep its mode)
    entries.set(name, { kind: 'file', mode: '100644', oid, content: bytes });
    this.touched(chain, full);
  }

  async remove(path: string): Promise<void> {
    const { node, chain, name } = await this.leaf(path);
    if (!node || !chain) return;
    if (node.kind === 'dir') throw new FleetPathError(path, 'is a folder (use removeDir)');
    chain[chain.length - 1].entries!.delete(name);
    this.touched(chain, [...this.rootSegs, ...path.split('/')]);
  }

  async removeDir(path: string): Promise<void> {
    const { node, chain, name } = await this.leaf(path);
    if (!node || !chain) return;
    if (node.kind !== 'dir') throw new FleetPathError(path, 'is a file (use remove)');
    chain[chain.length - 1].entries!.delete(name);
    this.touched(chain, [...this.rootSegs, ...path.split('/')]);
  }

  async listDirs(path: string): Promise<string[]> {
    const { node } = await this.leaf(path);
    if (!node) return [];
    if (node.kind !== 'dir') throw new FleetPathError(path, 'is a file');
    const entries = await this.load(node);
    return [...entries]
      .filter(([, n]) => n.kind === 'dir')
      .map(([k]) => k)
      .sort();
  }

  async exists(path: string): Promise<boolean> {
    return (await this.leaf(path)).node !== undefined;
  }

  /** The new content blobs written in this batch (to store before the trees that name them). */
  pendingBlobs(): Array<{ oid: string; content: Buffer }> {
    const out = new Map<string, Buffer>();
    const walk = (d: DirNode): void => {
      if (!d.dirty || !d.entries) return;
      for (const n of d.entries.values()) {
        if (n.kind === 'file' && n.content) out.set(n.oid, n.content);
        else if (n.kind === 'dir') walk(n);
      }
    };
    walk(this.top);
    return [...out].map(([oid, content]) => ({ oid, content }));
  }

  /**
   * The changed folders as tree objects and the new top tree id (the base id when nothing changed). Only dirty
   * folders are encoded; a folder left empty is dropped, as git does, except the top, which becomes the empty
   * tree. A folder that ends up as it was loaded, or as another one, is returned once or not at all (a strict
   * index-pack refuses an object twice).
   */
  newTrees(): { top: string; trees: Buffer[] } {
    const trees = new Map<string, Buffer>();
    const encode = (d: DirNode): string | null => {
      if (!d.dirty && d.oid !== null) return d.oid; // (a new folder nothing was written to is encoded, and dropped)
      const entries: TreeEntry[] = [];
      for (const [name, n] of d.entries!) {
        const oid = n.kind === 'dir' ? encode(n) : n.oid;
        if (oid === null) continue;
        if (name.includes('\uFFFD')) throw new FleetError(`refusing to rewrite a folder holding a non-UTF-8 name (${name})`);
        entries.push({ mode: n.kind === 'dir' ? TREE_MODE : n.mode, name, oid });
      }
      if (entries.length === 0 && d !== this.top) return null;
      const content = treeContent(entries);
      const oid = objectId('tree', content, this.hashAlgo);
      if (oid !== d.oid) trees.set(oid, content);
      return oid;
    };
    const top = encode(this.top)!; // the top is never dropped
    return { top, trees: [...trees.values()] };
  }
}
