import path from 'node:path';
import { BerthEnv } from './env.schema';

/** Typed view of the validated environment that the rest of Berth reads. */
export interface BerthConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  /** Seed the embedded playground on a first start (BERTH_DEMO). */
  demo: 'auto' | 'off';
  auth: {
    jwtSecret?: string;
    jwtIssuer?: string;
    jwtAudience?: string;
    /** Seconds of clock skew tolerated on exp, nbf and iat (BERTH_JWT_CLOCK_SKEW_SECONDS). */
    clockSkewSeconds: number;
    oidcIssuer?: string;
    oidcAudience?: string;
    /** The console's OIDC public client id (BERTH_CONSOLE_OIDC_CLIENT_ID); OIDC sign-in at /console needs it and oidcIssuer. */
    consoleOidcClientId?: string;
    groupsClaim: string;
    adminGroups: string[];
    bootstrapAdminKey?: string;
    cacheSeconds: number;
  };
  logRequests: boolean;
  http: {
    /** Seconds to receive a whole request before a 408 (BERTH_HTTP_REQUEST_TIMEOUT_SECONDS). */
    requestTimeoutSeconds: number;
    /** Seconds a connection may stay idle (BERTH_HTTP_CONNECTION_TIMEOUT_SECONDS). */
    connectionTimeoutSeconds: number;
    /** Requests per minute per caller; 0: no limit. */
    rateLimitPerMinute: number;
    /** Strict-Transport-Security max-age; 0: header not sent. */
    hstsMaxAgeSeconds: number;
  };
  metrics: {
    /** A separate listener for GET /metrics (BERTH_METRICS_PORT); unset: /metrics is on the API port. */
    port?: number;
    /** Bearer token file required on GET /metrics (BERTH_METRICS_TOKEN_FILE); unset: open. */
    tokenFile?: string;
  };
  /** Seconds an unfinished Idempotency-Key blocks retries (BERTH_IDEMPOTENCY_LEASE_SECONDS). */
  idempotencyLeaseSeconds: number;
  policy: {
    namePrefix: string;
    allowedClusterRoles: string[];
    allowedLabelKeys?: string[];
    maxTtl: string;
  };
  expiryIntervalSeconds: number;
  previews: {
    /** Namespace name template: `{tenant}` and `{pr}` are replaced. */
    nameTemplate: string;
    ttl: string;
  };
  flux: {
    /** Most inputs in one answer of GET /v1/flux/inputs. */
    inputsPageSize: number;
  };
  fleet: FleetConfig;
  clusterStatus: ClusterStatusConfig;
  webhooks: {
    /** Host names and CIDR ranges exempt from the private-destination refusal (BERTH_WEBHOOK_ALLOWED_HOSTS). */
    allowedHosts: string[];
    maxAttempts: number;
    retryBaseSeconds: number;
  };
}

export interface ClusterStatusConfig {
  /** Folder of `<cluster>.yaml` kubeconfigs (BERTH_KUBECONFIG_DIR). */
  kubeconfigDir?: string;
  /** The cluster Berth runs in: its service account is used (BERTH_IN_CLUSTER_NAME). */
  inClusterName?: string;
  /** 0: no periodic job (webhooks and explicit reconciles still work). */
  intervalSeconds: number;
  /** Folder of `<cluster>` files with each cluster's Flux webhook HMAC secret. */
  webhookSecretDir?: string;
}

export interface FleetConfig {
  /** Unset in embedded mode until startup creates the local bare repository. */
  repoUrl?: string;
  branch: string;
  root: string;
  workdir: string;
  writer: 'inline' | 'off';
  batchSize: number;
  maxAttempts: number;
  /** Seconds between sweeps for pending changes (BERTH_FLEET_SWEEP_INTERVAL_SECONDS). */
  sweepIntervalSeconds: number;
  /** Cap of the retry backoff while the remote fails (BERTH_FLEET_RETRY_MAX_SECONDS). */
  retryMaxSeconds: number;
  author: { name: string; email: string };
  auth: { sshKeyFile?: string; sshKnownHostsFile?: string; username?: string; tokenFile?: string };
  podSecurityEnforce: 'privileged' | 'baseline' | 'restricted';
  ingressNamespace: string;
  /** berth-tenants' service account (null: none), its dependsOn, the roles it may bind, the admission policy. */
  tenantsServiceAccount: string | null;
  tenantsDependsOn: string[];
  bindableRoles: string[];
  admissionPolicy: boolean;
}

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export function toBerthConfig(env: BerthEnv): BerthConfig {
  return {
    port: env.PORT,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.BERTH_DATA_DIR ?? '.berth'),
    embeddedPgPort: env.BERTH_EMBEDDED_PG_PORT,
    demo: env.BERTH_DEMO as 'auto' | 'off',
    auth: {
      jwtSecret: env.BERTH_JWT_SECRET,
      jwtIssuer: env.BERTH_JWT_ISSUER,
      jwtAudience: env.BERTH_JWT_AUDIENCE,
      clockSkewSeconds: env.BERTH_JWT_CLOCK_SKEW_SECONDS,
      oidcIssuer: env.BERTH_OIDC_ISSUER,
      oidcAudience: env.BERTH_OIDC_AUDIENCE,
      consoleOidcClientId: env.BERTH_CONSOLE_OIDC_CLIENT_ID,
      groupsClaim: env.BERTH_GROUPS_CLAIM,
      adminGroups: list(env.BERTH_ADMIN_GROUPS),
      bootstrapAdminKey: env.BERTH_BOOTSTRAP_ADMIN_KEY,
      cacheSeconds: env.BERTH_AUTHZ_CACHE_SECONDS,
    },
    // On by default, except under tests where a line per request is noise.
    logRequests: env.BERTH_LOG_REQUESTS ?? env.NODE_ENV !== 'test',
    http: {
      requestTimeoutSeconds: env.BERTH_HTTP_REQUEST_TIMEOUT_SECONDS,
      connectionTimeoutSeconds: env.BERTH_HTTP_CONNECTION_TIMEOUT_SECONDS,
      rateLimitPerMinute: env.BERTH_RATE_LIMIT_PER_MINUTE,
      hstsMaxAgeSeconds: env.BERTH_HSTS_MAX_AGE_SECONDS,
    },
    metrics: { port: env.BERTH_METRICS_PORT, tokenFile: env.BERTH_METRICS_TOKEN_FILE },
    idempotencyLeaseSeconds: env.BERTH_IDEMPOTENCY_LEASE_SECONDS,
    webhooks: {
      allowedHosts: list(env.BERTH_WEBHOOK_ALLOWED_HOSTS ?? ''),
      maxAttempts: env.BERTH_WEBHOOK_MAX_ATTEMPTS,
      retryBaseSeconds: env.BERTH_WEBHOOK_RETRY_BASE_SECONDS,
    },
    policy: {
      namePrefix: env.BERTH_NAMESPACE_PREFIX,
      allowedClusterRoles: list(env.BERTH_ALLOWED_CLUSTER_ROLES),
      allowedLabelKeys: env.BERTH_ALLOWED_LABEL_KEYS ? list(env.BERTH_ALLOWED_LABEL_KEYS) : undefined,
      maxTtl: env.BERTH_MAX_TTL,
    },
    expiryIntervalSeconds: env.BERTH_EXPIRY_INTERVAL_SECONDS,
    previews: { nameTemplate: env.BERTH_PREVIEW_NAME, ttl: env.BERTH_PREVIEW_TTL },
    flux: { inputsPageSize: env.BERTH_FLUX_INPUTS_PAGE_SIZE },
    fleet: {
      repoUrl: env.BERTH_FLEET_REPO_URL,
      branch: env.BERTH_FLEET_BRANCH,
      root: env.BERTH_FLEET_ROOT,
      workdir: path.resolve(env.BERTH_FLEET_WORKDIR ?? path.join(env.BERTH_DATA_DIR ?? '.berth', 'fleet-work')),
      writer: env.BERTH_FLEET_WRITER as 'inline' | 'off',
      batchSize: env.BERTH_FLEET_BATCH_SIZE,
      maxAttempts: env.BERTH_FLEET_MAX_ATTEMPTS,
      sweepIntervalSeconds: env.BERTH_FLEET_SWEEP_INTERVAL_SECONDS,
      retryMaxSeconds: env.BERTH_FLEET_RETRY_MAX_SECONDS,
      author: parseAuthor(env.BERTH_FLEET_AUTHOR),
      auth: {
        sshKeyFile: env.BERTH_FLEET_SSH_KEY_FILE,
        sshKnownHostsFile: env.BERTH_FLEET_SSH_KNOWN_HOSTS_FILE,
        username: env.BERTH_FLEET_USERNAME,
        tokenFile: env.BERTH_FLEET_TOKEN_FILE,
      },
      podSecurityEnforce: env.BERTH_POD_SECURITY_ENFORCE as FleetConfig['podSecurityEnforce'],
      ingressNamespace: env.BERTH_INGRESS_NAMESPACE,
      tenantsServiceAccount: env.BERTH_FLEET_TENANTS_SERVICE_ACCOUNT === 'none' ? null : (env.BERTH_FLEET_TENANTS_SERVICE_ACCOUNT ?? 'berth-tenants'),
      tenantsDependsOn: list(env.BERTH_FLEET_TENANTS_DEPENDS_ON ?? ''),
      bindableRoles: list(env.BERTH_FLEET_BINDABLE_ROLES ?? 'admin,edit,view'),
      admissionPolicy: env.BERTH_FLEET_ADMISSION_POLICY !== false,
    },
    clusterStatus: {
      kubeconfigDir: env.BERTH_KUBECONFIG_DIR ? path.resolve(env.BERTH_KUBECONFIG_DIR) : undefined,
      inClusterName: env.BERTH_IN_CLUSTER_NAME,
      intervalSeconds: env.BERTH_STATUS_INTERVAL_SECONDS,
      webhookSecretDir: env.BERTH_FLUX_WEBHOOK_SECRET_DIR ? path.resolve(env.BERTH_FLUX_WEBHOOK_SECRET_DIR) : undefined,
    },
  };
}

function parseAuthor(value: string): { name: string; email: string } {
  const match = /^(.+) <(.+)>$/.exec(value);
  return match ? { name: match[1], email: match[2] } : { name: 'Berth', email: 'berth@localhost' };
}
