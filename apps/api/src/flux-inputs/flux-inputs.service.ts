import { Inject, Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { isUUID } from 'class-validator';
import type { Preview } from '@prisma/client';
import type { Caller } from '@berth/authz';
import { NotFoundError, PageCursor, UnprocessableError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { desiredSpecOf, namespaceSpecOf, pullNamespaceObjects, pullOnboardingObjects, RenderOptions, TenantSyncRepo } from '@berth/manifests';
import { renderOptionsOf } from '@berth/fleet';
import { effectiveLabels } from '../namespace-requests/desired-spec';
import { FluxInput, FluxInputsQueryDto, FluxInputsResponse } from './dto/flux-inputs.dto';
import { FluxInputsRepository, NamespaceWithTenant, TenantRow } from './flux-inputs.repository';

const CURSOR = new PageCursor('flux-inputs', (key) => isUUID(key));

/** Flux Operator refuses an ExternalService answer above 900 KiB; stay well below it, envelope included. */
export const MAX_INPUTS_BYTES = 850 * 1024;

/** One answer for Flux: the inputs, and the `Link` of the next page when the caller pages. */
export interface FluxInputsResult {
  body: FluxInputsResponse;
  headers: Record<string, string>;
}

/**
 * Pull mode: a cluster's Flux Operator polls its namespaces as ResourceSetInputProvider inputs
 * (`type: ExternalService`) instead of cloning the fleet repository.
 */
@Injectable()
export class FluxInputsService {
  /** The fleet writer's render options: both modes render the same objects. */
  private readonly options: RenderOptions;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly inputs: FluxInputsRepository,
  ) {
    this.options = renderOptionsOf(config.fleet);
  }

  /**
   * Without `limit` or `cursor` (how Flux calls: one GET, no link following) the answer holds every
   * input of the cluster (or shard) or is a 422: a silently cut list would make Flux prune the
   * namespaces left out. With them, it is one page of a cursor pagination (`nextCursor`, `Link`).
   */
  async list(caller: Caller, query: FluxInputsQueryDto): Promise<FluxInputsResult> {
    // A cluster key of another cluster learns nothing, not even whether this cluster exists.
    if (!caller.ability.can('sync', subject('Cluster', { name: query.cluster }) as never)) throw new NotFoundError('Cluster', query.cluster);
    if (!(await this.inputs.clusterExists(query.cluster))) throw new NotFoundError('Cluster', query.cluster);
    const paged = query.limit !== undefined || query.cursor !== undefined;
    const limit = Math.min(query.limit ?? this.config.flux.inputsPageSize, this.config.flux.inputsPageSize);
    const shard = { index: query.shard ?? 0, count: query.shards ?? 1 };
    if (shard.index >= shard.count) {
      throw new UnprocessableError('shard must be below shards', [
        { field: 'shard', code: 'out-of-range', message: `shard ${shard.index} of ${shard.count} shards (0 … ${shard.count - 1})` },
      ]);
    }
    const rows = await this.inputs.page(query.cluster, limit + 1, CURSOR.decode(query.cursor), shard);
    const page = rows.slice(0, limit);
    const [namespaces, tenants] = await Promise.all([
      this.inputs.namespaces(page.filter((r) => r.kind === 'namespace').map((r) => r.id)),
      this.inputs.tenants(page.filter((r) => r.kind === 'onboarding').map((r) => r.id)),
    ]);
    const previews = await this.inputs.previewsOf(
      query.cluster,
      namespaces.map((r) => ({ tenantId: r.tenantId, name: r.name })),
    );
    const byNamespace = new Map(previews.map((p) => [`${p.tenantId}/${p.namespace}`, p]));
    const byId = new Map<string, () => FluxInput>([
      ...namespaces.map((n) => [n.id, () => this.namespaceInput(n, byNamespace.get(`${n.tenantId}/${n.name}`))] as const),
      ...tenants.map((t) => [t.id, () => this.onboardingInput(t, query.cluster)] as const),
    ]);

    const items: FluxInput[] = [];
    let bytes = 64; // the envelope: {"inputs":[…],"nextCursor":"…"}
    let cut = false;
    for (const row of page) {
      const build = byId.get(row.id);
      if (!build) continue; // deleted between the two reads: gone on the next poll as well
      const input = build();
      const size = Buffer.byteLength(JSON.stringify(input)) + 1;
      if (bytes + size > MAX_INPUTS_BYTES) {
        cut = true;
        break;
      }
      bytes += size;
      items.push(input);
    }
    const more = cut || rows.length > limit;
    if (more && !paged) {
      throw new UnprocessableError(
        `Cluster ${query.cluster} has more inputs than one answer holds (${this.config.flux.inputsPageSize} inputs or ${MAX_INPUTS_BYTES / 1024} KiB); split it with ?shards=N&shard=i (one provider per shard), or page with limit and cursor`,
        [{ field: 'shards', code: 'inputs.too-large', message: 'the complete answer would exceed one page', limit: this.config.flux.inputsPageSize }],
      );
    }
    const nextCursor = more && items.length > 0 ? CURSOR.encode(items[items.length - 1].id) : null;
    const headers: Record<string, string> = nextCursor ? { Link: `<${nextLink(query, limit, nextCursor)}>; rel="next"` } : {};
    return { body: { inputs: items, nextCursor }, headers };
  }

  /** A namespace: the objects push mode writes to its folder, and (unchanged for existing templates) its fields. */
  private namespaceInput(row: NamespaceWithTenant, preview: Preview | undefined): FluxInput {
    const spec = desiredSpecOf(row.spec);
    return {
      id: row.id,
      kind: 'namespace',
      tenant: row.tenant.name,
      name: row.name,
      cluster: row.cluster,
      tier: spec.tier ?? null,
      resources: row.resources as Record<string, string>,
      limitRange: (row.limitRange as Record<string, unknown> | null) ?? null,
      labels: effectiveLabels(spec),
      annotations: spec.annotations ?? {},
      access: spec.access ?? [],
      networkPolicy: spec.networkPolicy,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      preview: preview ? { repository: preview.repository, pullRequest: preview.pullRequest, headSha: preview.headSha } : null,
      objects: pullNamespaceObjects(namespaceSpecOf(row), this.options),
    };
  }

  /** A tenant's onboarding on the cluster: home namespace, Flux service account, app repository. */
  private onboardingInput(tenant: TenantRow, cluster: string): FluxInput {
    const syncRepo = (tenant.syncRepo as TenantSyncRepo | null) ?? null;
    return {
      id: tenant.id,
      kind: 'onboarding',
      tenant: tenant.name,
      cluster,
      objects: pullOnboardingObjects({ name: tenant.name, cluster, syncRepo }, this.options),
    };
  }
}

function nextLink(query: FluxInputsQueryDto, limit: number, cursor: string): string {
  const params = new URLSearchParams({ cluster: query.cluster, limit: String(limit), cursor });
  if (query.shards !== undefined) {
    params.set('shards', String(query.shards));
    params.set('shard', String(query.shard ?? 0));
  }
  return `/v1/flux/inputs?${params.toString()}`;
}
