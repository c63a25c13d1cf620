import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient, ClusterClientOptions } from './cluster-client';
import { ClusterConfigError } from './errors';

export interface ClusterCredentialsOptions {
  /** Folder of `<cluster>.yaml` kubeconfig files (BERTH_KUBECONFIG_DIR). */
  kubeconfigDir?: string;
  /** The cluster Berth itself runs in: read with the pod's service account (BERTH_IN_CLUSTER_NAME). */
  inClusterName?: string;
}

export interface ClusterRef {
  name: string;
  /** The Cluster row's `credentialsRef`: the kubeconfig file's base name when it differs from the cluster's. */
  credentialsRef?: string | null;
}

const SAFE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * One ClusterClient per cluster, built from its kubeconfig file (re-read when the file changes, so a
 * rotated token is picked up) or from the in-cluster service account. A cluster without credentials has
 * no client (`get` answers null): Berth cannot read it, and its namespaces stay Committed.
 */
export class ClusterClients {
  private readonly clients = new Map<string, { client: ClusterClient; source: string }>();

  constructor(
    private readonly credentials: ClusterCredentialsOptions,
    private readonly clientOptions: ClusterClientOptions = {},
  ) {}

  /** The kubeconfig path of a cluster, or null when there is none (no folder, no file). */
  kubeconfigPath(ref: ClusterRef): string | null {
    if (!this.credentials.kubeconfigDir) return null;
    const base = ref.credentialsRef || ref.name;
    if (!SAFE_NAME.test(base)) return null;
    const dir = path.resolve(this.credentials.kubeconfigDir);
    for (const ext of ['.yaml', '.yml', '.kubeconfig']) {
      const file = path.join(dir, `${base}${ext}`);
      if (path.dirname(file) === dir && fs.existsSync(file)) return file;
    }
    return null;
  }

  get(ref: ClusterRef): ClusterClient | null {
    const source = this.sourceOf(ref);
    const cached = this.clients.get(ref.name);
    if (cached && cached.source === source) return cached.client;
    cached?.client.close();
    this.clients.delete(ref.name);
    if (!source) return null;
    const client = new ClusterClient(ref.name, this.load(ref, source), this.clientOptions);
    this.clients.set(ref.name, { client, source });
    return client;
  }

  closeAll(): void {
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** Identifies the credentials in use: the in-cluster account, or a kubeconfig path plus its mtime. */
  private sourceOf(ref: ClusterRef): string | null {
    const file = this.kubeconfigPath(ref);
    if (file) return `file:${file}:${fs.statSync(file).mtimeMs}`;
    if (this.credentials.inClusterName && this.credentials.inClusterName === ref.name) return 'in-cluster';
    return null;
  }

  private load(ref: ClusterRef, source: string): KubeConfig {
    const kc = new KubeConfig();
    try {
      if (source === 'in-cluster') kc.loadFromCluster();
      else kc.loadFromFile(this.kubeconfigPath(ref)!);
      if (!kc.getCurrentCluster()) throw new Error('no current cluster in the kubeconfig');
    } catch (error) {
      throw new ClusterConfigError(ref.name, `cannot load credentials: ${(error as Error).message.split('\n')[0]}`);
    }
    return kc;
  }
}
