import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './exit-codes';

/** `yaml` costs more to load than the rest of the CLI: only commands that read or write the file load it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = () => require('yaml') as typeof import('yaml');

/** How a context signs in: an API key, or OIDC tokens from the device flow (refreshed when they expire). */
export interface OidcCredentials {
  issuer: string;
  clientId: string;
  scope?: string;
  refreshToken?: string;
  /** Epoch seconds when the access token expires. */
  expiresAt?: number;
}

export interface Context {
  url: string;
  /** An API key (`berth_…`) or an OIDC access token: sent as `Authorization: Bearer`. */
  token: string;
  /** The tenant commands use when `--tenant` is not given. */
  tenant?: string;
  oidc?: OidcCredentials;
}

export interface ConfigFile {
  currentContext?: string;
  contexts: Record<string, Context>;
}

/** `$XDG_CONFIG_HOME/berth` (default `~/.config/berth`). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'berth');
}

export const configPath = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), 'config.yaml');

export function readConfig(path = configPath()): ConfigFile {
  if (!existsSync(path)) return { contexts: {} };
  let parsed: unknown;
  try {
    parsed = yaml().parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return { contexts: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(`${path}: expected a mapping with "contexts"`);
  const file = parsed as Partial<ConfigFile>;
  return { currentContext: file.currentContext, contexts: file.contexts && typeof file.contexts === 'object' ? file.contexts : {} };
}

/**
 * Writes the file with mode 0600 in a 0700 folder: it holds credentials. The new content goes to a temp file
 * (created 0600) renamed over the old one, so a crash never leaves half a file and the secret is never readable.
 */
export function writeConfig(config: ConfigFile, path = configPath()): void {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, yaml().stringify(config), { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** A context name from a URL: `berth.example.com`, `localhost-8080`. */
export function contextNameFor(url: string): string {
  const { hostname, port } = new URL(url);
  return port ? `${hostname}-${port}` : hostname;
}

export interface Resolved {
  name: string;
  context: Context;
  /** Where the context came from, for messages. */
  source: 'env' | 'config';
}

/**
 * The context a command talks to. `--context NAME` is exact: that context of the file, nothing from the
 * environment. Otherwise `BERTH_URL` + `BERTH_TOKEN` (CI) need no file at all; then `$BERTH_CONTEXT` or the current
 * context, where `BERTH_TOKEN` alone replaces the token and `BERTH_URL` alone the server. `BERTH_TENANT` sets the
 * default tenant.
 */
export function resolveContext(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, path = configPath(env)): Resolved {
  if (!flag && env.BERTH_URL && env.BERTH_TOKEN) {
    return { name: 'env', source: 'env', context: { url: env.BERTH_URL, token: env.BERTH_TOKEN, tenant: env.BERTH_TENANT } };
  }
  const config = readConfig(path);
  const missing = (name: string) =>
    new CliError(`No context "${name}" in ${path}`, undefined, [`Contexts: ${Object.keys(config.contexts).join(', ') || 'none'} (berth config get-contexts)`]);
  if (flag) {
    const context = config.contexts[flag];
    if (!context) throw missing(flag);
    return { name: flag, source: 'config', context: { ...context, tenant: env.BERTH_TENANT ?? context.tenant } };
  }
  const wanted = env.BERTH_CONTEXT || config.currentContext;
  const context = wanted ? config.contexts[wanted] : undefined;
  if (wanted && !context) throw missing(wanted);
  const url = env.BERTH_URL || context?.url;
  const token = env.BERTH_TOKEN || context?.token;
  if (!url || !token) throw new CliError('Not logged in', undefined, ['Run `berth login <url>`, or set BERTH_URL and BERTH_TOKEN']);
  return {
    name: wanted ?? 'env',
    source: context ? 'config' : 'env',
    context: { ...context, url, token, tenant: env.BERTH_TENANT || context?.tenant, oidc: env.BERTH_TOKEN ? undefined : context?.oidc },
  };
}
