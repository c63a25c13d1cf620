import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

type Kind = 'namespaces' | 'resourcequotas';

interface StoredObject {
  kind: Kind;
  object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion: string };
    [k: string]: unknown;
  };
}

interface WatchEvent {
  rv: number;
  kind: Kind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: StoredObject['object'];
}

interface OpenWatch {
  kind: Kind;
  res: http.ServerResponse;
  matches: (o: StoredObject['object']) => boolean;
}

export interface KustomizationState {
  ready?: { status: 'True' | 'False' | 'Unknown'; reason: string; message: string } | null;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
}

/** A Flux Operator ResourceSet's status (fluxcd.controlplane.io/v1, api/v1 resourceset_types.go). */
export interface ResourceSetState {
  ready?: { status: 'True' | 'False' | 'Unknown'; reason: string; message: string } | null;
  /** Names of the Namespaces in `status.inventory` (entries `_<name>__Namespace`); null: no inventory. */
  namespaces?: string[] | null;
  lastAppliedRevision?: string;
}

/**
 * A Kubernetes API server stub on 127.0.0.1 (plain HTTP, random port) that speaks the real paths and object
 * shapes Berth reads, for driving the real @kubernetes/client-node:
 * - GET /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/berth-tenants
 * - GET /apis/fluxcd.controlplane.io/v1/namespaces/flux-system/resourcesets/<name> (pull mode)
 * - GET /api/v1/namespaces?labelSelector=… and /api/v1/resourcequotas?fieldSelector=metadata.name=…
 *   (also per namespace), lists with metadata.resourceVersion, `?watch=true` streams from a resourceVersion;
 * - a watch from a compacted resourceVersion gets the real API server's answer: 200 + an ERROR event
 *   carrying Status{code: 410} (or HTTP 410 with `goneAsHttp`);
 * - 401 Status for a wrong bearer token; `hang` makes every request hang (timeouts).
 */
export class KubeStub {
  token = `stub-token-${Math.random().toString(36).slice(2)}`;
  hang = false;
  goneAsHttp = false;
  /** Every request as "METHOD path?query", for assertions (e.g. how many LISTs). */
  readonly requests: string[] = [];
  /** Called after each LIST page is computed (e.g. to compact in the middle of a paged list). */
  onListPage?: (pages: number) => void;
  private listPages = 0;
  private rv = 100;
  private compactedBelow = 0;
  private readonly objects = new Map<string, StoredObject>();
  private readonly events: WatchEvent[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly hanging = new Set<http.ServerResponse>();
  private kustomization: Record<string, unknown> | null = null;
  private readonly resourceSets = new Map<string, Record<string, unknown>>();
  private server?: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.destroy();
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Writes `<dir>/<cluster>.yaml`: a kubeconfig for this stub (token auth, insecure-skip-tls-verify). */
  writeKubeconfig(dir: string, cluster: string, token = this.token, server = this.url): string {
    const file = path.join(dir, `${cluster}.yaml`);
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: ${cluster}, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]`,
        `users: [{ name: berth, user: { token: "${token}" } }]`,
        `contexts: [{ name: ${cluster}, context: { cluster: ${cluster}, user: berth } }]`,
        `current-context: ${cluster}`,
        '',
      ].join('\n'),
    );
    return file;
  }

  setKustomization(state: KustomizationState): void {
    const conditions = state.ready
      ? [
          {
            type: 'Ready',
            status: state.ready.status,
            reason: state.ready.reason,
            message: state.ready.message,
            lastTransitionTime: new Date().toISOString(),
            observedGeneration: 1,
          },
        ]
      : [];
    this.kustomization = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'berth-tenants', namespace: 'flux-system', generation: 1, resourceVersion: String(++this.rv) },
      spec: { interval: '10m', path: './tenants/x', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
      status: {
        observedGeneration: 1,
        conditions,
        lastAppliedRevision: state.lastAppliedRevision,
        lastAttemptedRevision: state.lastAttemptedRevision ?? state.lastAppliedRevision,
      },
    };
  }

  /**
   * A ResourceSet in flux-system as Flux Operator writes it: Ready condition (observedGeneration), inventory entries
   * `<namespace>_<name>_<group>_<kind>` with `v`, lastAppliedRevision (sha256 digest of the applied objects), history.
   */
  setResourceSet(name: string, state: ResourceSetState): void {
    const now = new Date().toISOString();
    const ready = state.ready
      ? [
          {
            type: 'Ready',
            status: state.ready.status,
            reason: state.ready.reason,
            message: state.ready.message,
            lastTransitionTime: now,
            observedGeneration: 1,
          },
        ]
      : [];
    const digest = state.lastAppliedRevision ?? `sha256:${'0'.repeat(64)}`;
    this.resourceSets.set(name, {
      apiVersion: 'fluxcd.controlplane.io/v1',
      kind: 'ResourceSet',
      metadata: { name, namespace: 'flux-system', generation: 1, resourceVersion: String(++this.rv) },
      spec: { inputsFrom: [{ apiVersion: 'fluxcd.controlplane.io/v1', kind: 'ResourceSetInputProvider', name }], resourcesTemplate: '…' },
      status: {
        conditions: ready,
        ...(state.namespaces === null ? {} : { inventory: { entries: (state.namespaces ?? []).map((n) => ({ id: `_${n}__Namespace`, v: 'v1' })) } }),
        ...(state.lastAppliedRevision ? { lastAppliedRevision: state.lastAppliedRevision } : {}),
        history: [
          {
            digest,
            firstReconciled: now,
            lastReconciled: now,
            lastReconciledDuration: '1.2s',
            lastReconciledStatus: state.ready?.reason ?? 'Progressing',
            totalReconciliations: 1,
            metadata: { inputs: String(state.namespaces?.length ?? 0), resources: String(state.namespaces?.length ?? 0) },
          },
        ],
      },
    });
  }

  /** A namespace labelled as Berth's (or not, with `labels`), with `annotations` (e.g. berth.dev/request-id). */
  putNamespace(name: string, labels: Record<string, string> = { 'berth.dev/managed-by': 'berth' }, annotations?: Record<string, string>): void {
    this.put('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels, ...(annotations ? { annotations } : {}), resourceVersion: '' },
      status: { phase: 'Active' },
    });
  }

  putQuota(namespace: string, used: Record<string, string>, hard: Record<string, string> = used, name = 'berth-quota'): void {
    this.put('resourcequotas', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name, namespace, resourceVersion: '' },
      spec: { hard },
      status: { hard, used },
    });
  }

  deleteNamespace(name: string): void {
    const key = `namespaces//${name}`;
    const stored = this.objects.get(key);
    if (!stored) return;
    this.objects.delete(key);
    stored.object.metadata.resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, kind: 'namespaces', type: 'DELETED', object: stored.object });
  }

  /** Like etcd compaction: every resourceVersion so far becomes too old to watch from. */
  compact(): void {
    this.compactedBelow = this.rv + 1;
    this.events.length = 0;
  }

  /** Ends every open watch (as an API server restart would); clients resume from their last resourceVersion. */
  dropWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** Updates an object without telling the watchers: only a fresh LIST sees it. */
  putSilently(kind: Kind, object: StoredObject['object']): void {
    object.metadata.resourceVersion = String(++this.rv);
    this.objects.set(`${kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, { kind, object });
  }

  listCount(kind: Kind): number {
    return this.requests.filter((r) => r.startsWith(`GET /api/v1/${kind}?`) && !r.includes('watch=true')).length;
  }

  private put(kind: Kind, object: StoredObject['object']): void {
    const key = `${kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    object.metadata.resourceVersion = String(++this.rv);
    this.objects.set(key, { kind, object });
    this.emit({ rv: this.rv, kind, type, object });
  }

  private emit(event: WatchEvent): void {
    this.events.push(event);
    for (const w of this.watches)
      if (w.kind === event.kind && w.matches(event.object)) w.res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.hang) {
      this.hanging.add(res);
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    if (req.method !== 'GET') return this.status(res, 405, 'MethodNotAllowed', 'read-only stub');

    if (url.pathname === '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/berth-tenants') {
      if (!this.kustomization) return this.status(res, 404, 'NotFound', 'kustomizations.kustomize.toolkit.fluxcd.io "berth-tenants" not found');
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(this.kustomization));
    }
    const rs = /^\/apis\/fluxcd\.controlplane\.io\/v1\/namespaces\/flux-system\/resourcesets\/([^/]+)$/.exec(url.pathname);
    if (rs) {
      const object = this.resourceSets.get(rs[1]);
      if (!object) return this.status(res, 404, 'NotFound', `resourcesets.fluxcd.controlplane.io "${rs[1]}" not found`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(object));
    }
    let match = /^\/api\/v1\/(namespaces|resourcequotas)$/.exec(url.pathname);
    let inNamespace: string | undefined;
    if (!match) {
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/resourcequotas$/.exec(url.pathname);
      if (m) {
        match = [m[0], 'resourcequotas'] as unknown as RegExpExecArray;
        inNamespace = m[1];
      }
    }
    if (!match) return this.status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const kind = match[1] as Kind;
    const matches = this.selector(url.searchParams, inNamespace);
    if (url.searchParams.get('watch') === 'true') return this.watch(kind, url.searchParams, matches, res);

    const rvParam = url.searchParams.get('resourceVersion');
    if (rvParam && rvParam !== '0' && Number(rvParam) < this.compactedBelow)
      return this.status(res, 410, 'Expired', `too old resource version: ${rvParam} (${this.compactedBelow})`);
    const all = [...this.objects.values()]
      .filter((o) => o.kind === kind && matches(o.object))
      .map((o) => o.object)
      .sort((a, b) => (`${a.metadata.namespace ?? ''}/${a.metadata.name}` < `${b.metadata.namespace ?? ''}/${b.metadata.name}` ? -1 : 1));
    // Paging as the API server does: `limit` items, then `metadata.continue` naming where the next page starts and
    // the resourceVersion of the first page; a continue older than the compaction answers 410 Expired.
    let offset = 0;
    let listRv = this.rv;
    const cont = url.searchParams.get('continue');
    if (cont) {
      const token = JSON.parse(Buffer.from(cont, 'base64url').toString()) as { rv: number; offset: number };
      if (token.rv < this.compactedBelow)
        return this.status(res, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
      ({ offset, rv: listRv } = token);
    }
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const items = limit > 0 ? all.slice(offset, offset + limit) : all;
    const next =
      limit > 0 && offset + limit < all.length ? Buffer.from(JSON.stringify({ rv: listRv, offset: offset + limit })).toString('base64url') : undefined;
    this.listPages += 1;
    this.onListPage?.(this.listPages);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: 'v1',
        kind: kind === 'namespaces' ? 'NamespaceList' : 'ResourceQuotaList',
        metadata: { resourceVersion: String(listRv), ...(next ? { continue: next } : {}) },
        items,
      }),
    );
  }

  private watch(kind: Kind, params: URLSearchParams, matches: (o: StoredObject['object']) => boolean, res: http.ServerResponse): void {
    const from = Number(params.get('resourceVersion') ?? '0');
    if (from && from < this.compactedBelow) {
      const message = `too old resource version: ${from} (${this.compactedBelow})`;
      if (this.goneAsHttp) return this.status(res, 410, 'Expired', message);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 } })}\n`,
      );
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    for (const e of this.events) if (e.kind === kind && e.rv > from && matches(e.object)) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    const watch: OpenWatch = { kind, res, matches };
    this.watches.add(watch);
    res.on('close', () => this.watches.delete(watch));
  }

  /** labelSelector `k=v` and fieldSelector `metadata.name=x` / `metadata.namespace=x`, comma-joined. */
  private selector(params: URLSearchParams, inNamespace?: string): (o: StoredObject['object']) => boolean {
    const labels = (params.get('labelSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map((s) => s.split('='));
    const fields = (params.get('fieldSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map((s) => s.split('='));
    return (o) =>
      (!inNamespace || o.metadata.namespace === inNamespace) &&
      labels.every(([k, v]) => o.metadata.labels?.[k] === v) &&
      fields.every(([k, v]) => (k === 'metadata.name' ? o.metadata.name === v : k === 'metadata.namespace' ? o.metadata.namespace === v : true));
  }
}
