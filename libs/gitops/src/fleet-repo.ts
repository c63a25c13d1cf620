import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CommitAuthor, commitContent, validateAuthor } from './commit';
import { FleetConflictError, FleetError, FleetRemoteError } from './errors';
import { CatFileProcess, type FleetAuth, type GitContext, gitContext, runGit } from './git';
import { type HashAlgo, objectId } from './objects';
import { type PackObject, storeObjects } from './pack';
import { OwnedPaths, rootSegments } from './paths';
import { redact } from './redact';
import { type FleetTree, MutableTree } from './tree';

/** Structural match for Nest's `Logger` (or pino, or console); gitops does not depend on Nest. */
export interface FleetLogger {
  log(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface FleetRepoOptions {
  /** file://, ssh://, https://, scp-like `git@host:org/fleet.git`, or a local path (made absolute). */
  url: string;
  /** Branch Flux reconciles. Default `main`. */
  branch?: string;
  /** Local bare clone, created on first open and reused afterwards. One process per workdir. */
  workdir: string;
  /** Folder of the repository the FleetTree paths are relative to. Default '' (the repository top). */
  root?: string;
  /** Folders (or single files) under `root` Berth may touch, e.g. `['tenants/', 'clusters/prod/berth-tenants.yaml']`. */
  owned: string[];
  auth?: FleetAuth;
  /** Attempts when the push loses a race (non-fast-forward). Default 10. */
  maxAttempts?: number;
  /** First backoff delay; doubled per attempt, with jitter, capped by maxBackoffMs. Defaults 50 / 3000 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Timeout of one git command (fetch, push, …). Default 120 s. */
  timeoutMs?: number;
  /** The long-lived `cat-file --batch` helper stops after this much idleness. Default 10 s. */
  idleCloseMs?: number;
  logger?: FleetLogger;
}

export interface CommitBatchOptions {
  /** Human-readable summary; the first line is the subject. */
  message: string;
  /** Appended as git trailers, e.g. `[['Berth-Request', id], …]`, one line each, in this order. */
  trailers?: Array<[string, string]>;
  author: CommitAuthor;
  /** Default: the author. */
  committer?: CommitAuthor;
  /** Owned paths for this batch only (e.g. the cluster files known now); default: the repo's `owned`. */
  owned?: string[];
  /**
   * Build the first attempt on the remote head as of this instance's last fetch or push instead of fetching
   * again (it still fetches when nothing was fetched yet). For a caller that has just fetched (e.g. through
   * findCommitsWithTrailer): it saves a fetch per batch. Safe because the push is a compare-and-swap on that
   * head: if the remote moved meanwhile, the push is refused as a race and the retry fetches, as always.
   */
  reuseKnownHead?: boolean;
}

export interface CommitBatchResult {
  /** The pushed commit, or null when `apply` produced the tree the remote already has. */
  sha: string | null;
  /** The remote head the batch was finally applied on (null for an empty remote). */
  base: string | null;
  attempts: number;
}

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const MAINTENANCE_EVERY = 200;

/** Builds `summary\n\nKey: value\n…` — git's trailer block is the last paragraph. */
export function formatCommitMessage(message: string, trailers: Array<[string, string]> = []): string {
  const body = message.replace(/\r\n/g, '\n').trim();
  if (!body) throw new FleetError('commit message must not be empty');
  if (body.includes('\0')) throw new FleetError('commit message must not contain a NUL byte'); // as git commit-tree
  if (trailers.length === 0) return `${body}\n`;
  const lines = trailers.map(([k, v]) => {
    if (!TRAILER_KEY.test(k)) throw new FleetError(`invalid trailer key ${JSON.stringify(k)}`);
    if (typeof v !== 'string' || v.trim() === '' || /[\n\r\0]/.test(v)) throw new FleetError(`invalid value for trailer ${k}`);
    return `${k}: ${v.trim()}`;
  });
  return `${body}\n\n${lines.join('\n')}\n`;
}

/** scp-like (`host:path`) and URLs are left alone; plain local paths are made absolute (git runs in the workdir). */
function normalizeUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  if (!isAbsolute(url) && /^[^/]+:/.test(url)) return url; // user@host:path
  return resolve(url);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The fleet repository writer: one long-lived bare clone in `workdir`, commits built with plumbing (no work tree,
 * no index), pushed with a compare-and-swap (`--force-with-lease=<branch>:<base>`), retried on races.
 *
 * Calls on one instance are serialized. Several processes may write to the same remote concurrently, each with its
 * own workdir; two processes must never share a workdir.
 */
export class FleetRepo {
  private readonly branch: string;
  private readonly workdir: string;
  private readonly url: string;
  private readonly owned: OwnedPaths;
  private readonly rootSegs: string[];
  private readonly trackingRef: string;
  private readonly timeoutMs: number;
  private readonly idleCloseMs: number;
  private hashAlgo: HashAlgo = 'sha1';
  private opened = false;
  private queue: Promise<unknown> = Promise.resolve();
  private cat: CatFileProcess | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private head: string | null = null;
  private fetched = false;
  private commitsSinceMaintenance = 0;

  constructor(private readonly opts: FleetRepoOptions) {
    this.branch = opts.branch ?? 'main';
    if (!/^[A-Za-z0-9._/-]+$/.test(this.branch) || this.branch.includes('..') || this.branch.startsWith('-')) {
      throw new FleetError(`invalid branch name ${JSON.stringify(this.branch)}`);
    }
    this.workdir = resolve(opts.workdir);
    this.url = normalizeUrl(opts.url);
    this.owned = new OwnedPaths(opts.owned);
    this.rootSegs = rootSegments(opts.root);
    this.trackingRef = `refs/remotes/origin/${this.branch}`;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.idleCloseMs = opts.idleCloseMs ?? 10_000;
  }

  /** Fresh per command: a rotated token file is picked up on the next fetch or push. */
  private ctx(): GitContext {
    return gitContext(this.opts.auth, this.timeoutMs);
  }

  private git(args: string[], opts: { input?: string | Buffer; allowFailure?: boolean; ctx?: GitContext } = {}) {
    return runGit(opts.ctx ?? this.ctx(), args, { cwd: this.workdir, input: opts.input, allowFailure: opts.allowFailure });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Create or reuse the local bare clone, point it at the remote and fetch. Idempotent. */
  open(): Promise<void> {
    return this.exclusive(async () => {
      await this.ensureOpen();
      await this.fetch();
    });
  }

  private async ensureOpen(): Promise<void> {
    if (this.opened) return;
    await mkdir(this.workdir, { recursive: true });
    const isRepo = existsSync(join(this.workdir, 'HEAD')) && existsSync(join(this.workdir, 'objects'));
    if (!isRepo) {
      const st = await stat(this.workdir);
      if (!st.isDirectory()) throw new FleetError(`workdir ${this.workdir} is not a folder`);
      await this.git(['init', '--bare', '--quiet', '.']);
    }
    const ctx = this.ctx();
    const setConfig = (k: string, v: string) => this.git(['config', k, v], { ctx });
    const current = await this.git(['config', '--get', 'remote.origin.url'], { ctx, allowFailure: true });
    if (current.stdout.trim() !== this.url) await setConfig('remote.origin.url', this.url);
    await setConfig('remote.origin.fetch', `+refs/heads/${this.branch}:${this.trackingRef}`);
    await setConfig('core.logAllRefUpdates', 'false');
    const fmt = await this.git(['rev-parse', '--show-object-format'], { ctx });
    this.hashAlgo = fmt.stdout.trim() === 'sha256' ? 'sha256' : 'sha1';
    // Blobs once went through temp files here; a clone made by an older version may still hold the folder.
    await rm(join(this.workdir, 'berth-tmp'), { recursive: true, force: true });
    this.opened = true;
  }

  /** Fetch the branch; returns the remote head (null when the remote branch does not exist yet). */
  private async fetch(): Promise<string | null> {
    const ctx = this.ctx();
    const r = await this.git(['fetch', '--quiet', '--no-tags', '--no-auto-maintenance', 'origin'], { ctx, allowFailure: true });
    if (r.code !== 0) {
      if (/couldn't find remote ref/i.test(r.stderr)) {
        this.head = null;
        this.fetched = true;
        return null;
      }
      throw new FleetRemoteError('fetch', redact(r.stderr.trim() || `exit ${r.code}`, ctx.secrets));
    }
    // FETCH_HEAD saves a rev-parse spawn: "<oid>\t\tbranch 'main' of <anonymized url>"
    const fh = await readFile(join(this.workdir, 'FETCH_HEAD'), 'utf8');
    const oid = fh.split('\n')[0]?.split('\t')[0]?.trim();
    if (!oid || !/^[0-9a-f]{40,64}$/.test(oid)) throw new FleetError('could not read FETCH_HEAD after fetch');
    this.head = oid;
    this.fetched = true;
    return oid;
  }

  /** The long-lived `cat-file --batch`, (re)started on demand and stopped after `idleCloseMs` of idleness. */
  private catFile(): CatFileProcess {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // Through the queue, so that an idle close never cuts off a batch still running a long apply().
    this.idleTimer = setTimeout(() => void this.exclusive(async () => this.closeHelpers()), this.idleCloseMs);
    this.idleTimer.unref();
    if (!this.cat?.alive) {
      this.cat?.close();
      this.cat = new CatFileProcess(this.ctx(), this.workdir);
    }
    return this.cat;
  }

  private closeHelpers(): void {
    this.cat?.close();
    this.cat = null;
  }

  /** Stop the helper process. The instance stays usable (it is restarted on demand). */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      this.closeHelpers();
    });
  }

  /**
   * The remote branch head (null for an empty remote): as of the last fetch or push, or fetched now when
   * `fetch` is set or nothing was fetched yet.
   */
  async headSha(opts: { fetch?: boolean } = {}): Promise<string | null> {
    return this.exclusive(async () => {
      await this.ensureOpen();
      if (opts.fetch || !this.fetched) await this.fetch();
      return this.head;
    });
  }

  /**
   * Fetch (or, with `reuseKnownHead`, take the head already known), run `apply` on the tree of the remote head
   * and, when the tree changed, push one commit on top of it.
   * On a race (someone pushed meanwhile) fetch and re-run `apply` on the new head, with exponential backoff and
   * jitter, at most `maxAttempts` times (then FleetConflictError). A remote that cannot be reached throws
   * FleetRemoteError; nothing was pushed in that case unless the connection broke after the remote accepted the
   * push, which the next batch detects as "no diff" (and findCommitsWithTrailer finds).
   */
  commitBatch(apply: (tree: FleetTree) => Promise<void>, options: CommitBatchOptions): Promise<CommitBatchResult> {
    const message = formatCommitMessage(options.message, options.trailers);
    validateAuthor(options.author, 'author');
    const committer = options.committer ?? options.author;
    validateAuthor(committer, 'committer');
    const maxAttempts = Math.max(1, this.opts.maxAttempts ?? 10);
    const backoff = this.opts.backoffMs ?? 50;
    const maxBackoff = this.opts.maxBackoffMs ?? 3000;
    const owned = options.owned ? new OwnedPaths(options.owned) : this.owned;

    return this.exclusive(async () => {
      await this.ensureOpen();
      for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        const reused = attempt === 1 && options.reuseKnownHead === true && this.fetched;
        const base = reused ? this.head : await this.fetch();
        const t1 = performance.now();
        let baseTree: string | null = null;
        if (base) {
          const commit = await this.catFile().read(base);
          const m = commit && /^tree ([0-9a-f]+)/.exec(commit.data.toString('utf8'));
          if (!m) throw new FleetError(`fetched head ${base} is not a commit`);
          baseTree = m[1];
        }
        const tree = new MutableTree(() => this.catFile(), baseTree, this.rootSegs, owned, this.hashAlgo);
        try {
          await apply(tree);
        } finally {
          tree.seal();
        }
        if (!tree.changed) return { sha: null, base, attempts: attempt };
        const t2 = performance.now();
        const { top, trees } = tree.newTrees();
        if (top === (baseTree ?? objectId('tree', Buffer.alloc(0), this.hashAlgo))) return { sha: null, base, attempts: attempt };

        const commit = commitContent({ tree: top, parent: base, author: options.author, committer, message });
        const sha = objectId('commit', commit, this.hashAlgo);
        await this.store([
          ...tree.pendingBlobs().map(({ content }): PackObject => ({ type: 'blob', content })),
          ...trees.map((content): PackObject => ({ type: 'tree', content })),
          { type: 'commit', content: commit },
        ]);
        const t3 = performance.now();
        const outcome = await this.push(sha, base);
        if (outcome === 'ok') {
          this.head = sha;
          const ms = (a: number, b: number) => (b - a).toFixed(1);
          this.opts.logger?.debug?.(
            `pushed ${sha.slice(0, 12)} on ${base?.slice(0, 12) ?? '(empty)'} (attempt ${attempt}; ms: fetch ${reused ? 'skipped' : ms(t0, t1)}, ` +
              `apply ${ms(t1, t2)}, objects ${ms(t2, t3)}, push ${ms(t3, performance.now())})`,
          );
          await this.maybeMaintenance();
          return { sha, base, attempts: attempt };
        }
        if (attempt >= maxAttempts) throw new FleetConflictError(attempt);
        const cap = Math.min(maxBackoff, backoff * 2 ** (attempt - 1));
        const delay = cap / 2 + Math.random() * (cap / 2);
        this.opts.logger?.warn(`fleet push raced another writer (attempt ${attempt}/${maxAttempts}); retrying in ${Math.round(delay)} ms`);
        await sleep(delay);
      }
    });
  }

  /**
   * Stores a batch's new blobs, its changed trees and its commit as one pack: one spawn, where mktree and
   * commit-tree were two more. The strict index-pack fscks them and checks that everything they name is there.
   */
  private store(objects: PackObject[]): Promise<void> {
    return storeObjects((args, input) => this.git(args, { input }), objects, this.hashAlgo);
  }

  /**
   * Compare-and-swap push: the remote branch moves to `sha` only if it still is `base` (absent when null).
   * 'conflict' for a lost race; FleetRemoteError for everything else.
   */
  private async push(sha: string, base: string | null): Promise<'ok' | 'conflict'> {
    const ctx = this.ctx();
    const ref = `refs/heads/${this.branch}`;
    const r = await this.git(['push', '--porcelain', `--force-with-lease=${ref}:${base ?? ''}`, 'origin', `${sha}:${ref}`], { ctx, allowFailure: true });
    const status = r.stdout.split('\n').find((l) => /^[ +\-*!=]\t/.test(l) && l.includes(`:${ref}\t`));
    if (status && status[0] !== '!') return 'ok';
    const summary = status?.split('\t')[2] ?? '';
    if (
      status &&
      /\[rejected\].*\((non-fast-forward|fetch first|stale info|already exists)\)|\[remote rejected\].*(failed to update ref|cannot lock ref|failed to lock|incorrect old value|reference already exists)/.test(
        summary,
      )
    ) {
      return 'conflict';
    }
    const detail = [summary, r.stderr.trim()].filter(Boolean).join(' — ') || `exit ${r.code}`;
    throw new FleetRemoteError('push', redact(detail, ctx.secrets));
  }

  /** Pack the loose objects now and then (fetch runs without auto-maintenance to save a spawn per batch). */
  private async maybeMaintenance(): Promise<void> {
    if (++this.commitsSinceMaintenance < MAINTENANCE_EVERY) return;
    this.commitsSinceMaintenance = 0;
    try {
      await this.git(['gc', '--auto', '--quiet']);
    } catch (e) {
      this.opts.logger?.warn(`git gc --auto failed: ${(e as Error).message}`);
    }
  }

  /**
   * Scan the remote branch (after a fetch) for commits carrying `key: value` trailers, newest first, looking at
   * most `maxCommits` commits (default 10,000) and not beyond `since` (exclusive). Returns value → sha of the
   * newest commit that carries it; values not found are absent from the map.
   */
  findCommitsWithTrailer(key: string, values: string[], opts: { maxCommits?: number; since?: string } = {}): Promise<Map<string, string>> {
    if (!TRAILER_KEY.test(key)) return Promise.reject(new FleetError(`invalid trailer key ${JSON.stringify(key)}`));
    return this.exclusive(async () => {
      await this.ensureOpen();
      const found = new Map<string, string>();
      const wanted = new Set(values.map((v) => v.trim()));
      const head = await this.fetch();
      if (!head || wanted.size === 0) return found;
      if (opts.since !== undefined && !/^[0-9a-f]{4,64}$/.test(opts.since)) throw new FleetError('since must be a commit id');
      const args = [
        'log',
        '-z',
        `--max-count=${Math.max(1, opts.maxCommits ?? 10_000)}`,
        `--format=%H%x1f%(trailers:key=${key},valueonly,unfold,separator=%x1e)`,
        head,
        ...(opts.since ? [`^${opts.since}`] : []),
        '--',
      ];
      const out = (await this.git(args)).stdout;
      for (const record of out.split('\0')) {
        const [sha, trailers] = record.split('\x1f');
        if (!trailers) continue;
        for (const v of trailers.split('\x1e')) {
          const value = v.trim();
          if (wanted.has(value) && !found.has(value)) found.set(value, sha.trim());
        }
        if (found.size === wanted.size) break;
      }
      return found;
    });
  }
}
