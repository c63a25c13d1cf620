import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { memoryTree } from '@berth/gitops';
import { namespaceDir, namespaceSpecOf, renderNamespace, tenantDir, type RenderOptions, type TenantSyncRepo } from '@berth/manifests';
import { FleetWriterRepository, type LiveNamespace } from './fleet-writer.repository';
import type { ClusterPath } from './ownership';
import { renderOptionsOf } from './render-options';
import { writeClusterIndex, writeTenant, type IndexContext } from './tree-writes';

/** What the whole desired state renders to: every file Berth would write, the folders it owns, the clusters. */
export interface RenderedFleet {
  files: Map<string, string>;
  dirs: Set<string>;
  clusters: Array<{ name: string; fleetPath: string }>;
}

/** The database's desired state as fleet files: render options, tenant and cluster context, the whole fleet. */
@Injectable()
export class FleetRendering {
  readonly options: RenderOptions;

  constructor(
    @Inject(BERTH_CONFIG) config: BerthConfig,
    private readonly store: FleetWriterRepository,
  ) {
    this.options = renderOptionsOf(config.fleet);
  }

  clusters() {
    return this.store.clusters();
  }

  /**
   * App repositories of these tenants and every cluster's fleetPath: what onboarding and index files need.
   * A caller that has read the clusters already passes them, so that one batch reads them once.
   */
  async indexContext(tenantNames: string[], knownClusters?: ReadonlyArray<ClusterPath>): Promise<IndexContext> {
    const [tenants, clusters] = await Promise.all([this.store.tenantsByName([...new Set(tenantNames)]), knownClusters ?? this.store.clusters()]);
    return {
      options: this.options,
      syncRepos: new Map(tenants.map((t) => [t.name, (t.syncRepo as TenantSyncRepo | null) ?? null])),
      clusterPaths: new Map(clusters.map((c) => [c.name, c.fleetPath])),
    };
  }

  /** Every file Berth would write for the whole desired state, and the folders it owns. */
  async renderAll(): Promise<RenderedFleet> {
    const live = await this.store.allLive();
    const clusters = await this.store.clusters();
    const ctx = await this.indexContext(
      live.map((n) => n.tenant.name),
      clusters,
    );
    const files = new Map<string, string>();
    const dirs = new Set<string>();
    const memory = memoryTree(files);
    const byTenant = new Map<string, LiveNamespace[]>();
    // A namespace the writer could never render stays out; one Flux failed to apply stays in.
    for (const ns of live.filter((n) => n.state !== 'Failed' || n.failedBy === 'Flux')) {
      const dir = namespaceDir(this.options, ns.cluster, ns.tenant.name, ns.name);
      for (const [file, content] of Object.entries(renderNamespace(namespaceSpecOf(ns), this.options))) files.set(`${dir}/${file}`, content);
      dirs.add(dir);
      const key = `${ns.cluster}/${ns.tenant.name}`;
      byTenant.set(key, [...(byTenant.get(key) ?? []), ns]);
    }
    for (const [key] of byTenant) {
      const [cluster, tenant] = key.split('/');
      dirs.add(tenantDir(this.options, cluster, tenant));
      await writeTenant(memory, cluster, tenant, ctx);
    }
    for (const cluster of clusters) await writeClusterIndex(memory, cluster.name, ctx);
    return { files, dirs, clusters };
  }
}
