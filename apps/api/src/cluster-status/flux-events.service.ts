import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { BadInputError, ConflictError, DomainError, isDnsLabel } from '@berth/common';
import { FLUX_KUSTOMIZATION } from '@berth/cluster';
import { ClusterStatusRepository } from './cluster-status.repository';
import { ClusterStatusService } from './cluster-status.service';
import { FluxEventAccepted, FluxEventDto } from './dto/flux-event.dto';

/** Events older than this (by their own `timestamp`) are refused; receipts are kept twice as long. */
export const REPLAY_WINDOW_MS = 10 * 60_000;
/** How far in the future an event's timestamp may be (clock skew between cluster and Berth). */
const FUTURE_SKEW_MS = 2 * 60_000;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid signature', code = 'invalid-signature') {
    super(401, message, [{ field: 'X-Signature', code, message }]);
  }
}

/**
 * `POST /v1/flux/events`: a cluster's Flux notification-controller (Provider type `generic-hmac`) tells
 * Berth that `berth-tenants` was reconciled. Authenticated by signature only: `X-Signature: sha256=<hex>`,
 * HMAC-SHA256 of the raw body with that cluster's secret (BERTH_FLUX_WEBHOOK_SECRET_DIR/<cluster>),
 * compared in constant time. Unknown cluster and bad signature answer the same 401. Replays are refused:
 * a digest seen before → 409; an event older than 10 minutes → 401 (older receipts may be pruned).
 */
@Injectable()
export class FluxEventsService {
  private readonly logger = new Logger(FluxEventsService.name);
  /** Used for unknown clusters so that they cost the same HMAC as known ones. */
  private readonly decoyKey = randomBytes(32);

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly store: ClusterStatusRepository,
    private readonly status: ClusterStatusService,
  ) {}

  async receive(cluster: string, signature: string | undefined, raw: Buffer | undefined, body: unknown): Promise<FluxEventAccepted> {
    const digest = await this.verify(cluster, signature, raw);
    const event = this.parse(body);
    const at = Date.parse(event.timestamp);
    const now = Date.now();
    if (now - at > REPLAY_WINDOW_MS || at - now > FUTURE_SKEW_MS) {
      throw new UnauthorizedError(`Event timestamp ${event.timestamp} is outside the accepted window (10 minutes)`, 'stale-event');
    }
    if (!(await this.store.acceptReceipt(digest, cluster, new Date(now - 2 * REPLAY_WINDOW_MS)))) {
      throw new ConflictError('This event was already received (replay)', [
        { field: 'X-Signature', code: 'replayed', message: 'an event with this signature was already accepted' },
      ]);
    }
    try {
      return await this.apply(cluster, event);
    } catch (error) {
      // The receipt is taken first so that two deliveries of one event never both apply it; an apply that fails
      // gives it back, so Flux's retry of the same bytes is applied instead of refused as a replay.
      await this.store.forgetReceipt(digest).catch((e: Error) => this.logger.error(`Could not release the receipt of a failed event: ${e.message}`));
      throw error;
    }
  }

  private async apply(cluster: string, event: FluxEventDto): Promise<FluxEventAccepted> {
    const { kind, name, namespace } = event.involvedObject;
    if (kind !== 'Kustomization' || name !== FLUX_KUSTOMIZATION.name || (namespace ?? FLUX_KUSTOMIZATION.namespace) !== FLUX_KUSTOMIZATION.namespace) {
      return { cluster, action: 'ignored' };
    }
    // With API access, the cluster is the source of truth: read it now. Without, apply what the event says.
    if (await this.status.clientFor(cluster)) {
      const result = await this.status.reconcileCluster(cluster);
      return { cluster, action: 'reconciled', revision: result.revision ?? null, ready: result.ready, failed: result.failed };
    }
    const revision = event.metadata?.revision ?? null;
    const succeeded = event.severity === 'info' && event.reason === 'ReconciliationSucceeded';
    const failed = event.severity === 'error';
    if (!revision || (!succeeded && !failed)) return { cluster, action: 'ignored' };
    const result = await this.status.applyObserved(cluster, {
      kustomization: {
        ready: { status: succeeded ? 'True' : 'False', reason: event.reason, message: event.message },
        lastAppliedRevision: succeeded ? revision : null,
        lastAttemptedRevision: revision,
        observedCurrentGeneration: true,
      },
      namespaces: null,
      quotaUsed: null,
    });
    return { cluster, action: 'applied', revision, ready: result.ready, failed: result.failed };
  }

  /** Returns the signature's hex digest (the replay key) or throws the one 401 for every failure. */
  private async verify(cluster: string, header: string | undefined, raw: Buffer | undefined): Promise<string> {
    const given = typeof header === 'string' ? SIGNATURE.exec(header.trim()) : null;
    const secret = await this.secretOf(cluster);
    const expected = createHmac('sha256', secret ?? this.decoyKey)
      .update(raw ?? Buffer.alloc(0))
      .digest();
    const actual = Buffer.from(given?.[1] ?? '00'.repeat(32), 'hex');
    const match = timingSafeEqual(actual, expected);
    if (!given || !secret || !raw || !match) throw new UnauthorizedError();
    return given[1].toLowerCase();
  }

  /**
   * The cluster's HMAC secret (re-read each time, so rotation needs no restart); null when there is none. The
   * file's bytes are the key exactly as stored, like Flux's, which signs with the Secret's `token` bytes: a
   * trailing newline from `kubectl create secret --from-file` is part of the key on both sides.
   */
  private async secretOf(cluster: string): Promise<Buffer | null> {
    const dir = this.config.clusterStatus.webhookSecretDir;
    if (!dir || !isDnsLabel(cluster)) return null;
    if (!(await this.store.findCluster(cluster))) return null;
    try {
      const value = await readFile(path.join(dir, cluster));
      return value.length > 0 ? value : null;
    } catch {
      return null;
    }
  }

  private parse(body: unknown): FluxEventDto {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadInputError('The body must be a Flux event object');
    const event = plainToInstance(FluxEventDto, body);
    const errors = validateSync(event, { whitelist: false, forbidUnknownValues: false });
    if (errors.length > 0) {
      const details = errors.flatMap((e) =>
        [e, ...(e.children ?? []).map((c) => ({ ...c, property: `${e.property}.${c.property}` }))].flatMap((x) =>
          Object.entries(x.constraints ?? {}).map(([code, message]) => ({ field: x.property, code, message })),
        ),
      );
      throw new BadInputError(`Invalid Flux event: ${[...new Set(details.map((d) => d.field))].join(', ')}`, details);
    }
    return event;
  }
}
