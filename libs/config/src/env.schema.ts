import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync, ValidateBy } from 'class-validator';
import ipaddr from 'ipaddr.js';

const trimmed = () => Transform(({ value }) => (typeof value === 'string' && value.trim() === '' ? undefined : value));
const asBool = () => Transform(({ value }) => (value === undefined ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase())));

/**
 * Every environment variable Berth reads, validated once at start. A bad value stops the process with
 * one line per variable that names it and says what is expected.
 */
function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

/** A comma list of host names, IP addresses and CIDR ranges (BERTH_WEBHOOK_ALLOWED_HOSTS). */
function isWebhookAllowlist(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const hostName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
  return value.split(',').every((raw) => {
    const entry = raw.trim();
    return entry.includes('/') ? isCidr(entry) : ipaddr.isValid(entry) || hostName.test(entry);
  });
}

export class BerthEnv {
  @trimmed()
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @Transform(({ value }) => (value === undefined || value === '' ? 8080 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @trimmed()
  @IsOptional()
  @IsString()
  HOST?: string;

  /** PostgreSQL URL. Unset → an embedded PostgreSQL under BERTH_DATA_DIR. */
  @trimmed()
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL?: string;

  /**
   * `auto`: a first start on the embedded database also seeds a playground (cluster, tiers, tenant `demo` and a
   * developer key acting for another person, so one user can try request → approve); `off`: never.
   */
  @trimmed()
  @IsOptional()
  @IsIn(['auto', 'off'])
  BERTH_DEMO = 'auto';

  /** Where embedded mode keeps its data (PostgreSQL cluster, fleet repo). */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_DATA_DIR?: string;

  @Transform(({ value }) => (value === undefined || value === '' ? 54329 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(65535)
  BERTH_EMBEDDED_PG_PORT = 54329;

  /** HS256 secret for development and tests; production uses OIDC. */
  @trimmed()
  @IsOptional()
  @MinLength(32, { message: 'BERTH_JWT_SECRET must be at least 32 characters' })
  BERTH_JWT_SECRET?: string;

  @trimmed()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http'] }, { message: 'BERTH_OIDC_ISSUER must be the issuer URL' })
  BERTH_OIDC_ISSUER?: string;

  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_OIDC_AUDIENCE?: string;

  /** The console's OIDC client id (a public client: Authorization Code + PKCE); with BERTH_OIDC_ISSUER it enables OIDC sign-in at /console. */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_CONSOLE_OIDC_CLIENT_ID?: string;

  /** Expected `iss` / `aud` of HS256 tokens (optional; checked when set). */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_JWT_ISSUER?: string;

  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_JWT_AUDIENCE?: string;

  /** Clock skew tolerated on `exp`, `nbf` and `iat` of user tokens (seconds). */
  @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @IsInt({ message: 'BERTH_JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds (0-3600)' })
  @Min(0, { message: 'BERTH_JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds (0-3600)' })
  @Max(3600, { message: 'BERTH_JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds (0-3600)' })
  BERTH_JWT_CLOCK_SKEW_SECONDS = 60;

  @trimmed()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:/-]{1,100}$/, { message: 'BERTH_GROUPS_CLAIM must be a claim name' })
  BERTH_GROUPS_CLAIM = 'groups';

  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_ADMIN_GROUPS = 'platform-admins';

  @trimmed()
  @IsOptional()
  @MinLength(32, { message: 'BERTH_BOOTSTRAP_ADMIN_KEY must be at least 32 characters' })
  BERTH_BOOTSTRAP_ADMIN_KEY?: string;

  /** How long a user's tenant roles are cached per replica (0 disables); changes clear it locally. */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(300)
  BERTH_AUTHZ_CACHE_SECONDS = 5;

  @asBool()
  @IsOptional()
  @IsBoolean()
  BERTH_LOG_REQUESTS?: boolean;

  /** pino level; default info (warn under NODE_ENV=test). */
  @IsOptional()
  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  BERTH_LOG_LEVEL?: string;

  /** json (one object per line) or pretty; default pretty when stdout is a terminal, else json. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  BERTH_LOG_FORMAT?: string;

  /** Longest time to receive one whole request (headers and body); a slower or short body is a 408. */
  @Transform(({ value }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3600)
  BERTH_HTTP_REQUEST_TIMEOUT_SECONDS = 30;

  /** A connection idle this long (no byte either way, also while a request is being handled) is closed. */
  @Transform(({ value }) => (value === undefined || value === '' ? 120 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3600)
  BERTH_HTTP_CONNECTION_TIMEOUT_SECONDS = 120;

  /** Requests per minute per caller (API key, token, else client IP) before 429 with Retry-After; 0 disables. */
  @Transform(({ value }) => (value === undefined || value === '' ? 600 : Number(value)))
  @IsInt({ message: 'BERTH_RATE_LIMIT_PER_MINUTE must be a whole number of requests (0 disables)' })
  @Min(0, { message: 'BERTH_RATE_LIMIT_PER_MINUTE must be a whole number of requests (0 disables)' })
  @Max(1000000, { message: 'BERTH_RATE_LIMIT_PER_MINUTE must be a whole number of requests (0 disables)' })
  BERTH_RATE_LIMIT_PER_MINUTE = 600;

  /** Strict-Transport-Security max-age sent on every response when Berth is served over TLS; 0 sends none. */
  @Transform(({ value }) => (value === undefined || value === '' ? 0 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(63072000)
  BERTH_HSTS_MAX_AGE_SECONDS = 0;

  /** A port of its own for GET /metrics (0: any free port); unset: /metrics is on the API port (apps/worker: none). */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsOptional()
  @IsInt({ message: 'BERTH_METRICS_PORT must be a port number (0-65535)' })
  @Min(0, { message: 'BERTH_METRICS_PORT must be a port number (0-65535)' })
  @Max(65535, { message: 'BERTH_METRICS_PORT must be a port number (0-65535)' })
  BERTH_METRICS_PORT?: number;

  /** File holding the bearer token Prometheus must present on GET /metrics; unset: /metrics is open. */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_METRICS_TOKEN_FILE?: string;

  /** How long an Idempotency-Key whose request has not finished blocks retries (409); after it a retry runs again. */
  @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(86400)
  BERTH_IDEMPOTENCY_LEASE_SECONDS = 60;

  /**
   * Webhook destinations allowed although they are (or resolve to) private, loopback, link-local, CGNAT,
   * multicast or unspecified addresses: a comma list of host names and IP/CIDR ranges. Empty: none.
   */
  @trimmed()
  @IsOptional()
  @ValidateBy({
    name: 'webhookAllowlist',
    validator: {
      validate: isWebhookAllowlist,
      defaultMessage: () => 'BERTH_WEBHOOK_ALLOWED_HOSTS must be a comma list of host names, IP addresses and CIDR ranges',
    },
  })
  BERTH_WEBHOOK_ALLOWED_HOSTS?: string;

  /** Attempts of one webhook delivery before it is dead-lettered. */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(50)
  BERTH_WEBHOOK_MAX_ATTEMPTS = 10;

  /** First retry delay of a failed webhook delivery; it doubles on each failure (capped at one hour). */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsNumber()
  @Min(0.1)
  @Max(3600)
  BERTH_WEBHOOK_RETRY_BASE_SECONDS = 10;

  /** Required namespace name prefix; `{tenant}` is replaced by the tenant name; empty disables. */
  @IsOptional()
  @Matches(/^[a-z0-9{}-]{0,40}$/, { message: 'BERTH_NAMESPACE_PREFIX must be lowercase letters, digits, "-" and {tenant}' })
  BERTH_NAMESPACE_PREFIX = '{tenant}-';

  /** ClusterRoles namespaces may bind (comma list). */
  @trimmed()
  @IsOptional()
  @Matches(/^[a-z0-9:.-]+(,[a-z0-9:.-]+)*$/, { message: 'BERTH_ALLOWED_CLUSTER_ROLES must be a comma list of ClusterRole names' })
  BERTH_ALLOWED_CLUSTER_ROLES = 'view,edit,admin';

  /** Label keys users may set (comma list); unset = any non-reserved key. */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_ALLOWED_LABEL_KEYS?: string;

  /** Longest TTL of an ephemeral namespace (Go-style duration, e.g. 720h, 30d). */
  @trimmed()
  @IsOptional()
  @Matches(/^(\d+[dhms])+$/, { message: 'BERTH_MAX_TTL must be a duration such as 720h or 30d' })
  BERTH_MAX_TTL = '720h';

  /** Fleet repository (file://, ssh://, https:// or a path). Unset → a bare repo under BERTH_DATA_DIR. */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLEET_REPO_URL?: string;

  @trimmed()
  @IsOptional()
  @Matches(/^[A-Za-z0-9._/-]{1,100}$/, { message: 'BERTH_FLEET_BRANCH must be a branch name' })
  BERTH_FLEET_BRANCH = 'main';

  /** Folder of the fleet repository under which Berth writes `tenants/` and `clusters/` ('' = repo root). */
  @IsOptional()
  @Matches(/^([a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*)?$/, { message: 'BERTH_FLEET_ROOT must be a relative path of lowercase segments' })
  BERTH_FLEET_ROOT = '';

  /** This process's private clone of the fleet repository (never shared between processes). */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLEET_WORKDIR?: string;

  /** `inline`: the API process also runs the fleet writer (embedded default); `off`: apps/worker does. */
  @trimmed()
  @IsOptional()
  @IsIn(['inline', 'off'])
  BERTH_FLEET_WRITER = 'inline';

  @Transform(({ value }) => (value === undefined || value === '' ? 200 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(5000)
  BERTH_FLEET_BATCH_SIZE = 200;

  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100)
  BERTH_FLEET_MAX_ATTEMPTS = 5;

  /** How often the fleet writer looks for approved changes no wake-up job announced (e.g. after a restart). */
  @Transform(({ value }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3600)
  BERTH_FLEET_SWEEP_INTERVAL_SECONDS = 30;

  /** Longest pause between two attempts while the fleet remote fails (backoff doubles from 1 s up to this). */
  @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3600)
  BERTH_FLEET_RETRY_MAX_SECONDS = 60;

  @trimmed()
  @IsOptional()
  @Matches(/^[^<>\n]+ <[^<>\s]+>$/, { message: 'BERTH_FLEET_AUTHOR must look like "Name <email>"' })
  BERTH_FLEET_AUTHOR = 'Berth <berth@localhost>';

  /** SSH private key file for ssh:// remotes (mounted secret). */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLEET_SSH_KEY_FILE?: string;

  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLEET_SSH_KNOWN_HOSTS_FILE?: string;

  /** HTTPS: username and a file holding the token (re-read on every call, so rotation works). */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLEET_USERNAME?: string;

  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLEET_TOKEN_FILE?: string;

  @trimmed()
  @IsOptional()
  @IsIn(['privileged', 'baseline', 'restricted'])
  BERTH_POD_SECURITY_ENFORCE = 'baseline';

  @trimmed()
  @IsOptional()
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'BERTH_INGRESS_NAMESPACE must be a namespace name' })
  BERTH_INGRESS_NAMESPACE = 'ingress-nginx';

  /**
   * Service account (flux-system) that each cluster's berth-tenants Kustomization is applied as; Berth renders it with
   * its least-privilege ClusterRole. `none`: no serviceAccountName and no RBAC (kustomize-controller's own identity).
   */
  @trimmed()
  @IsOptional()
  @Matches(/^(none|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, { message: 'BERTH_FLEET_TENANTS_SERVICE_ACCOUNT must be a service account name or none' })
  BERTH_FLEET_TENANTS_SERVICE_ACCOUNT?: string;

  /** Comma-separated Flux Kustomizations (flux-system) that berth-tenants dependsOn, e.g. `policies`. */
  @trimmed()
  @IsOptional()
  @Matches(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?(\s*,\s*[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: 'BERTH_FLEET_TENANTS_DEPENDS_ON must be comma-separated Kustomization names',
  })
  BERTH_FLEET_TENANTS_DEPENDS_ON?: string;

  /** Comma-separated ClusterRoles the berth-tenants account may bind in tenant namespaces (must include admin). */
  @trimmed()
  @IsOptional()
  @Matches(/^admin,|,admin,|,admin$|^admin$/, { message: 'BERTH_FLEET_BINDABLE_ROLES must be comma-separated ClusterRole names including admin' })
  BERTH_FLEET_BINDABLE_ROLES?: string;

  /** Render the ValidatingAdmissionPolicy protecting Berth's objects in tenant namespaces (Kubernetes >= 1.30). */
  @asBool()
  @IsOptional()
  @IsBoolean()
  BERTH_FLEET_ADMISSION_POLICY = true;

  /** Name of a pull request's preview namespace: `{tenant}` and `{pr}` are replaced (`{pr}` is required). */
  @trimmed()
  @IsOptional()
  @Matches(/^(?=.*\{pr\})([a-z0-9-]|\{tenant\}|\{pr\}){1,60}$/, {
    message: 'BERTH_PREVIEW_NAME must be lowercase letters, digits, "-", {tenant} and {pr} (required)',
  })
  BERTH_PREVIEW_NAME = '{tenant}-pr-{pr}';

  /** How long a preview namespace lives after its last create or refresh (Go-style duration). */
  @trimmed()
  @IsOptional()
  @Matches(/^(\d+[dhms])+$/, { message: 'BERTH_PREVIEW_TTL must be a duration such as 72h or 3d' })
  BERTH_PREVIEW_TTL = '72h';

  /** Most inputs in one answer of GET /v1/flux/inputs (Flux Operator's `filter.limit` defaults to 100). */
  @Transform(({ value }) => (value === undefined || value === '' ? 100 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(5000)
  BERTH_FLUX_INPUTS_PAGE_SIZE = 100;

  /** How often expired ephemeral namespaces are turned into Delete requests; 0 disables the job. */
  @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(86400)
  BERTH_EXPIRY_INTERVAL_SECONDS = 60;

  /** Folder of `<cluster>.yaml` kubeconfig files Berth reads cluster status with (mounted secrets). */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_KUBECONFIG_DIR?: string;

  /** Name of the cluster Berth runs in: read with the pod's service account instead of a kubeconfig. */
  @trimmed()
  @IsOptional()
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'BERTH_IN_CLUSTER_NAME must be a cluster name' })
  BERTH_IN_CLUSTER_NAME?: string;

  /** How often each cluster's status (Flux Kustomization, namespaces, quota usage) is read back; 0 disables. */
  @Transform(({ value }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(86400)
  BERTH_STATUS_INTERVAL_SECONDS = 30;

  /** Folder of `<cluster>` files, each holding that cluster's Flux generic-hmac Provider secret. */
  @trimmed()
  @IsOptional()
  @IsString()
  BERTH_FLUX_WEBHOOK_SECRET_DIR?: string;
}

export function validateEnv(raw: Record<string, unknown>): BerthEnv {
  const env = plainToInstance(BerthEnv, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `  - ${e.property}: ${m}`));
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (!env.BERTH_JWT_SECRET && !env.BERTH_OIDC_ISSUER && env.NODE_ENV === 'production') {
    // API keys still work; users cannot sign in without one of these. Not fatal, but say so loudly.
    process.emitWarning('Neither BERTH_OIDC_ISSUER nor BERTH_JWT_SECRET is set: only API keys can authenticate');
  }
  return env;
}
