import type { Watch } from '@kubernetes/client-node';
import { ClusterError, ClusterGoneError, toClusterError } from './errors';

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string; _continue?: string };
}

/** One page of a LIST: `limit` items from `_continue` (both absent: the whole list at once). */
export interface ListPage {
  limit?: number;
  _continue?: string;
}

/** client-go's pager (tools/pager): pages of 500 (defaultPageSize), following `continue`. */
export const LIST_PAGE_SIZE = 500;

export interface ListWatchOptions<T> {
  cluster: string;
  /** For messages: e.g. "list namespaces". */
  what: string;
  /** Collection path for the watch, e.g. `/api/v1/namespaces`. */
  path: string;
  /** labelSelector / fieldSelector, the same for the list and the watch. */
  query: Record<string, string>;
  list: (page: ListPage) => Promise<KubeList<T>>;
  watch: Watch;
  /**
   * Shortest server-side bound of one watch (`timeoutSeconds`); each watch takes a random value between it and
   * twice it, as client-go's reflector does (minWatchTimeout 5 min × (1 + rand)), so the watches of many clusters
   * and replicas do not all end and restart at the same moment. The client aborts a silent stream a bit later.
   */
  watchSeconds: number;
  /** Page size of a LIST (default LIST_PAGE_SIZE). */
  pageSize?: number;
  /** [0, 1) source of the watch timeout jitter (tests pin it). */
  random?: () => number;
  /** Client-side timeout of the list call, for error messages. */
  timeoutMs: number;
  onWarning?: (message: string) => void;
}

const keyOf = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * The informer pattern, small and explicit: one LIST (remembering its resourceVersion), then a WATCH from
 * that resourceVersion that keeps the cache current. `snapshot()` answers from the cache while the watch
 * is healthy; it LISTs again when there is no cache yet, after 410 Gone (the resourceVersion was
 * compacted away), or after the watch failed (401, unreachable, …), and then throws the typed error if
 * the list fails too. A watch the server ends normally (`timeoutSeconds`) resumes from the last
 * resourceVersion without a list.
 *
 * (client-node's own ListWatch stops for good on any error other than 410 and reports it only to
 * callbacks; this one makes the next reconcile list again and surface the error to its caller.)
 */
export class ListWatchCache<T extends KubeObject> {
  private objects = new Map<string, T>();
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private watching?: AbortController;
  private silenceTimer?: NodeJS.Timeout;
  private restartTimer?: NodeJS.Timeout;
  private listing?: Promise<void>;
  /** Each watch gets a number; callbacks of an older (aborted) watch are ignored. */
  private generation = 0;
  private currentWatchSeconds = 0;
  /** How many LISTs were made (tests and metrics). */
  lists = 0;

  constructor(private readonly options: ListWatchOptions<T>) {}

  /** The current objects; lists (and starts watching) when the cache is not in sync. */
  async snapshot(): Promise<T[]> {
    if (this.stopped) throw new ClusterError('api', this.options.cluster, `${this.options.what}: client closed`);
    if (!this.synced) {
      this.listing ??= this.relist().finally(() => (this.listing = undefined));
      await this.listing;
    }
    return [...this.objects.values()];
  }

  get latestResourceVersion(): string {
    return this.resourceVersion;
  }

  stop(): void {
    this.stopped = true;
    this.synced = false;
    this.abortWatch();
    if (this.restartTimer) clearTimeout(this.restartTimer);
  }

  private async relist(): Promise<void> {
    this.abortWatch();
    this.lists += 1;
    let list: KubeList<T>;
    try {
      list = await this.listAll();
    } catch (error) {
      throw toClusterError(error, this.options.cluster, this.options.what, this.options.timeoutMs);
    }
    this.objects = new Map((list.items ?? []).map((o) => [keyOf(o), o]));
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.synced = true;
    void this.startWatch();
  }

  /**
   * A LIST in pages of `pageSize`, following `continue` (one big answer would time out on a cluster with many
   * thousands of objects and load the API server and etcd at once). The pages form one consistent snapshot at
   * the first page's resourceVersion; when it is compacted away in the middle (410 Expired on a continue),
   * client-go's pager falls back to one full list without limit (FullListIfExpired), and so does this.
   */
  private async listAll(): Promise<KubeList<T>> {
    const limit = this.options.pageSize ?? LIST_PAGE_SIZE;
    const items: T[] = [];
    let cont: string | undefined;
    for (;;) {
      let page: KubeList<T>;
      try {
        page = await this.options.list({ limit, ...(cont ? { _continue: cont } : {}) });
      } catch (error) {
        if (cont && toClusterError(error, this.options.cluster, this.options.what, this.options.timeoutMs) instanceof ClusterGoneError) {
          this.options.onWarning?.(`${this.options.what}: the paged list expired (410) after ${items.length} objects; listing again in one request`);
          return this.options.list({});
        }
        throw error;
      }
      items.push(...(page.items ?? []));
      cont = page.metadata?._continue || undefined;
      if (!cont) return { items, metadata: { resourceVersion: page.metadata?.resourceVersion } };
    }
  }

  /** This watch's `timeoutSeconds`: between watchSeconds and twice it (client-go reflector). */
  private watchTimeout(): number {
    return Math.floor(this.options.watchSeconds * (1 + (this.options.random ?? Math.random)()));
  }

  private async startWatch(): Promise<void> {
    if (this.stopped || !this.synced || !this.resourceVersion) return;
    const generation = ++this.generation;
    this.currentWatchSeconds = this.watchTimeout();
    const query = { ...this.options.query, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.currentWatchSeconds };
    try {
      const controller = await this.options.watch.watch(
        this.options.path,
        query,
        (type, object) => generation === this.generation && this.onEvent(type, object),
        (error) => generation === this.generation && this.onDone(error),
      );
      if (this.stopped || generation !== this.generation) controller.abort();
      else this.watching = controller;
    } catch (error) {
      if (generation === this.generation) this.onDone(error);
    }
    this.armSilenceTimer();
  }

  /** A stream that says nothing well past its server-side timeout is dead (a hung proxy): abort it. */
  private armSilenceTimer(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    if (!this.watching) return;
    this.silenceTimer = setTimeout(() => this.abortWatch(true), (this.currentWatchSeconds + 15) * 1000);
    this.silenceTimer.unref();
  }

  private onEvent(type: string, object: unknown): void {
    const o = object as T & { code?: number; kind?: string };
    switch (type) {
      case 'ADDED':
      case 'MODIFIED':
        this.objects.set(keyOf(o), o);
        break;
      case 'DELETED':
        this.objects.delete(keyOf(o));
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        // The API server reports an expired resourceVersion inside a 200 stream: {type: ERROR, object: Status{code: 410}}.
        this.markOutOfSync(
          o?.code === 410
            ? new ClusterGoneError(this.options.cluster, `watch ${this.options.path}`)
            : toClusterError({ code: o?.code ?? 500 }, this.options.cluster, `watch ${this.options.path}`, this.options.timeoutMs),
        );
        this.abortWatch();
        return;
    }
    const rv = o?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    this.armSilenceTimer();
  }

  private onDone(error: unknown): void {
    this.watching = undefined;
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    if (this.stopped || !this.synced) return;
    if (error) {
      // 410 (stale resourceVersion), 401, unreachable…: the next snapshot lists again (and reports the error).
      this.markOutOfSync(toClusterError(error, this.options.cluster, `watch ${this.options.path}`, this.options.timeoutMs));
      return;
    }
    // Normal end of a watch (server timeoutSeconds): resume from the last resourceVersion.
    this.restartTimer = setTimeout(() => void this.startWatch(), 200);
    this.restartTimer.unref();
  }

  private markOutOfSync(error: ClusterError): void {
    if (!this.synced) return;
    this.synced = false;
    this.options.onWarning?.(`${error.message}; will list again`);
  }

  private abortWatch(restart = false): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.generation += 1; // whatever the aborted stream reports from now on is ignored
    const controller = this.watching;
    this.watching = undefined;
    controller?.abort();
    if (restart && !this.stopped && this.synced) {
      this.restartTimer = setTimeout(() => void this.startWatch(), 200);
      this.restartTimer.unref();
    }
  }
}
