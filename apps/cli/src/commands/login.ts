import type { Command } from 'commander';
import { clientFor, Session } from '../client';
import { configPath, contextNameFor, readConfig, writeConfig, type Context } from '../config';
import { UsageError } from '../exit-codes';
import { deviceLogin } from '../oidc';
import { printObject } from '../output';
import { ask, readStdin } from '../prompt';
import { examples, handle } from '../command';

const DEFAULT_SCOPE = 'openid profile email offline_access';

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`Not a URL: "${value}" (e.g. https://berth.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Berth's URL must be http or https, got ${url.protocol}`);
  return url.toString().replace(/\/+$/, '');
}

/**
 * The issuer Berth itself trusts, from the console's public settings (`GET /console/config.json`, outside the REST
 * API and its OpenAPI document, hence plain fetch): `berth login <url> --oidc` needs nothing else.
 */
async function serverIssuer(url: string): Promise<string> {
  const settings = await fetch(`${url}/console/config.json`, { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<{ oidc?: { issuer?: string } | null }>) : undefined))
    .catch(() => undefined);
  if (!settings?.oidc?.issuer) throw new UsageError(`Berth at ${url} names no OIDC issuer: pass --issuer <url> (or set BERTH_OIDC_ISSUER)`);
  return settings.oidc.issuer;
}

export function registerLogin(program: Command): void {
  const login = program
    .command('login')
    .description('Sign in to a Berth server and save it as a context (current from now on)')
    .argument('[url]', "Berth's URL (prompted when omitted on a terminal)")
    .option('--api-key-stdin', 'read the API key from stdin (for scripts)')
    .option('--api-key <key>', 'the API key (visible in shell history and ps: prefer the prompt or --api-key-stdin)')
    .option('--oidc', 'sign in with OIDC (device flow) instead of an API key')
    .option('--issuer <url>', "OIDC issuer (default $BERTH_OIDC_ISSUER, else the one Berth's console uses); implies --oidc")
    .option('--client-id <id>', 'OIDC public client id (default $BERTH_OIDC_CLIENT_ID, else berth-cli)')
    .option('--scope <scopes>', 'OIDC scopes', DEFAULT_SCOPE)
    .option('--name <context>', 'name of the context to save (default: --context, else the URL host)');
  examples(login, [
    'berth login https://berth.example.com               # prompts for the API key',
    'echo "$BERTH_KEY" | berth login https://berth.example.com --api-key-stdin --name prod',
    'berth login https://berth.example.com --oidc                # device flow at the issuer Berth trusts',
    'berth login https://berth.example.com --issuer https://sso.example.com/realms/acme --client-id berth-cli',
    'berth login http://localhost:8080 --tenant payments  # default tenant of the context',
  ]);
  handle(login, async ({ args, opts }) => {
    const interactive = Boolean(process.stdin.isTTY);
    const rawUrl = args[0] ?? (interactive ? await ask('Berth URL: ') : undefined);
    if (!rawUrl) throw new UsageError('Give the URL: berth login <url>');
    const url = checkUrl(rawUrl);
    const issuer: string | undefined = opts.issuer ?? (opts.oidc ? (process.env.BERTH_OIDC_ISSUER ?? (await serverIssuer(url))) : undefined);
    let context: Context;
    if (issuer) {
      const clientId: string = opts.clientId ?? process.env.BERTH_OIDC_CLIENT_ID ?? 'berth-cli';
      const tokens = await deviceLogin({
        issuer,
        clientId,
        scope: opts.scope,
        prompt: (info) => {
          const opening = info.verificationUriComplete
            ? `open ${info.verificationUriComplete}\n(or open ${info.verificationUri} and enter the code ${info.userCode})`
            : `open ${info.verificationUri} and enter the code ${info.userCode}`;
          process.stderr.write(`To sign in, ${opening}; it is valid ${Math.round(info.expiresIn / 60)} min.\nWaiting for the issuer…\n`);
        },
      });
      context = { url, token: tokens.bearer, oidc: { issuer, clientId, scope: opts.scope, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt } };
    } else {
      let key: string | undefined = opts.apiKey;
      if (!key && opts.apiKeyStdin) key = await readStdin();
      if (!key && interactive) key = await ask('API key: ', true);
      if (!key) throw new UsageError('No API key: pass --api-key-stdin (and pipe the key), or run on a terminal to be prompted, or use --issuer for OIDC');
      context = { url, token: key };
    }
    const session = new Session('login', context, clientFor(url, context.token));
    const { data: me } = await session.call(session.client.GET('/v1/me'));
    const tenant: string | undefined = opts.tenant ?? (me.tenants.length === 1 ? me.tenants[0].name : undefined);
    if (tenant) context.tenant = tenant;
    const name: string = opts.name ?? opts.context ?? contextNameFor(url);
    const path = configPath();
    const file = readConfig(path);
    file.contexts[name] = context;
    file.currentContext = name;
    writeConfig(file, path);
    process.stderr.write(`Logged in to ${url} as ${me.actor} (${me.platformRole}); context "${name}" saved in ${path} and now current.\n`);
    printObject(me, opts.output, [
      ['context', name],
      ['actor', me.actor],
      ['platformRole', me.platformRole],
      ['tenants', me.tenants.map((t) => `${t.name}(${t.role})`)],
      ['defaultTenant', tenant],
    ]);
  });

  const whoami = program.command('whoami').description('Show who the current context signs in as (GET /v1/me)');
  examples(whoami, ['berth whoami', 'berth whoami -o json --context prod']);
  handle(whoami, async ({ opts, session }) => {
    const s = await session();
    const { data: me } = await s.call(s.client.GET('/v1/me'));
    printObject(me, opts.output, [
      ['context', s.name],
      ['url', s.context.url],
      ['actor', me.actor],
      ['accountable', me.accountable],
      ['platformRole', me.platformRole],
      ['groups', me.groups],
      ['tenants', me.tenants.map((t) => `${t.name}(${t.role})`)],
      ['defaultTenant', s.context.tenant],
    ]);
  });
}
