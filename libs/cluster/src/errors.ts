/**
 * What can go wrong talking to a cluster, as typed errors the reconciler can tell apart. None carries a
 * credential: messages name the cluster and the failing call only.
 */
export type ClusterErrorKind = 'unauthorized' | 'forbidden' | 'not-found' | 'gone' | 'timeout' | 'unreachable' | 'api' | 'config';

export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    readonly cluster: string,
    message: string,
    readonly status?: number,
  ) {
    super(`cluster ${cluster}: ${message}`);
    this.name = new.target.name;
  }
}

/** 401: the token or client certificate was refused. */
export class ClusterUnauthorizedError extends ClusterError {
  constructor(cluster: string, what: string) {
    super('unauthorized', cluster, `${what}: 401 Unauthorized (credentials refused)`, 401);
  }
}

/** 403: authenticated, but RBAC does not allow the read. */
export class ClusterForbiddenError extends ClusterError {
  constructor(cluster: string, what: string) {
    super('forbidden', cluster, `${what}: 403 Forbidden (RBAC)`, 403);
  }
}

/** 404: e.g. the Flux Kustomization `berth-tenants` does not exist (yet). */
export class ClusterNotFoundError extends ClusterError {
  constructor(cluster: string, what: string) {
    super('not-found', cluster, `${what}: 404 Not Found`, 404);
  }
}

/** 410: the resourceVersion is too old; the caller must list again. */
export class ClusterGoneError extends ClusterError {
  constructor(cluster: string, what: string) {
    super('gone', cluster, `${what}: 410 Gone (resourceVersion expired)`, 410);
  }
}

export class ClusterTimeoutError extends ClusterError {
  constructor(cluster: string, what: string, ms: number) {
    super('timeout', cluster, `${what}: no answer within ${ms} ms`);
  }
}

/** Connection refused, DNS failure, TLS failure: the API server could not be reached. */
export class ClusterUnreachableError extends ClusterError {
  constructor(cluster: string, what: string, cause: string) {
    super('unreachable', cluster, `${what}: unreachable (${cause})`);
  }
}

export class ClusterApiError extends ClusterError {
  constructor(cluster: string, what: string, status: number) {
    super('api', cluster, `${what}: HTTP ${status}`, status);
  }
}

/** A kubeconfig that cannot be read or used. */
export class ClusterConfigError extends ClusterError {
  constructor(cluster: string, message: string) {
    super('config', cluster, message);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

/** Maps whatever @kubernetes/client-node (or fetch) threw into one of the typed errors above. */
export function toClusterError(error: unknown, cluster: string, what: string, timeoutMs: number): ClusterError {
  if (error instanceof ClusterError) return error;
  const e = error as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown; type?: unknown; errno?: unknown; cause?: { code?: unknown } };
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    if (status === 401) return new ClusterUnauthorizedError(cluster, what);
    if (status === 403) return new ClusterForbiddenError(cluster, what);
    if (status === 404) return new ClusterNotFoundError(cluster, what);
    if (status === 410) return new ClusterGoneError(cluster, what);
    return new ClusterApiError(cluster, what, status);
  }
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.type === 'aborted') return new ClusterTimeoutError(cluster, what, timeoutMs);
  const code = typeof e?.code === 'string' ? e.code : typeof e?.errno === 'string' ? e.errno : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (code && (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))) return new ClusterUnreachableError(cluster, what, code);
  if (e?.type === 'system') return new ClusterUnreachableError(cluster, what, String(e.message ?? 'network error'));
  return new ClusterError('api', cluster, `${what}: ${String(e?.message ?? error).split('\n')[0]}`);
}
