/**
 * OIDC for the CLI: the OAuth 2.0 Device Authorization Grant (RFC 8628) against the issuer's discovery document,
 * and the refresh-token grant to renew the access token. A public client: no secret is sent or stored.
 */
import { CliError } from './exit-codes';

export interface Discovery {
  issuer: string;
  token_endpoint: string;
  device_authorization_endpoint?: string;
}

export interface TokenSet {
  /** What Berth gets as the bearer token: the access token when it is a JWT, else the ID token. */
  bearer: string;
  refreshToken?: string;
  /** Epoch seconds. */
  expiresAt?: number;
}

export interface DevicePrompt {
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CliError(`${what}: HTTP ${response.status}, not JSON`);
  }
}

/** Reads `{issuer}/.well-known/openid-configuration`; its `issuer` must be the one asked for (OIDC Discovery 1.0 §4.3). */
export async function discover(issuer: string, fetchFn = fetch): Promise<Discovery> {
  const base = issuer.replace(/\/+$/, '');
  const url = `${base}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new CliError(`Cannot reach the OIDC issuer at ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new CliError(`OIDC discovery failed: ${url} answered HTTP ${response.status}`);
  const doc = (await json(response, 'OIDC discovery')) as unknown as Discovery;
  if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/+$/, '') !== base) {
    throw new CliError(`OIDC discovery: the document names issuer "${doc.issuer}", not "${issuer}"`);
  }
  if (typeof doc.token_endpoint !== 'string') throw new CliError('OIDC discovery: no token_endpoint');
  return doc;
}

const isJwt = (token: unknown): token is string => typeof token === 'string' && token.split('.').length === 3;

function tokenSet(body: Record<string, unknown>, previousRefresh?: string): TokenSet {
  const bearer = isJwt(body.access_token) ? body.access_token : isJwt(body.id_token) ? body.id_token : undefined;
  if (!bearer) throw new CliError('The issuer answered no JWT (neither access_token nor id_token is a JWT)');
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined;
  return {
    bearer,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefresh,
    expiresAt: expiresIn ? Math.floor(Date.now() / 1000) + expiresIn : undefined,
  };
}

export interface DeviceLoginOptions {
  issuer: string;
  clientId: string;
  scope: string;
  /** Called once with the code and the page the user opens. */
  prompt(info: DevicePrompt): void;
  fetchFn?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** RFC 8628: asks for a device code, shows it, then polls the token endpoint until the user approved or denied. */
export async function deviceLogin(options: DeviceLoginOptions): Promise<TokenSet> {
  const fetchFn = options.fetchFn ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const doc = await discover(options.issuer, fetchFn);
  if (!doc.device_authorization_endpoint) {
    throw new CliError(`The issuer ${options.issuer} does not offer the device flow (no device_authorization_endpoint)`, undefined, [
      'Sign in with an API key instead: berth login <url> --api-key-stdin',
    ]);
  }
  const started = await fetchFn(doc.device_authorization_endpoint, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ client_id: options.clientId, scope: options.scope }),
  });
  const device = await json(started, 'Device authorization');
  if (!started.ok) throw new CliError(`Device authorization refused: ${String(device.error_description ?? device.error ?? started.status)}`);
  const deviceCode = String(device.device_code);
  const expiresIn = Number(device.expires_in ?? 600);
  options.prompt({
    userCode: String(device.user_code),
    verificationUri: String(device.verification_uri ?? device.verification_url),
    verificationUriComplete: typeof device.verification_uri_complete === 'string' ? device.verification_uri_complete : undefined,
    expiresIn,
  });
  let interval = typeof device.interval === 'number' ? device.interval : 5;
  const deadline = Date.now() + expiresIn * 1000;
  while (Date.now() < deadline) {
    await sleep(interval * 1000);
    const polled = await fetchFn(doc.token_endpoint, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: options.clientId }),
    });
    const body = await json(polled, 'Token request');
    if (polled.ok) return tokenSet(body);
    if (body.error === 'authorization_pending') continue;
    if (body.error === 'slow_down') {
      interval += 5;
      continue;
    }
    if (body.error === 'access_denied') throw new CliError('Sign-in was denied at the issuer');
    if (body.error === 'expired_token') break;
    throw new CliError(`Token request failed: ${String(body.error_description ?? body.error ?? polled.status)}`);
  }
  throw new CliError('The device code expired before sign-in finished: run berth login again');
}

/** The refresh-token grant; the issuer may rotate the refresh token. */
export async function refresh(issuer: string, clientId: string, refreshToken: string, fetchFn = fetch): Promise<TokenSet> {
  const doc = await discover(issuer, fetchFn);
  const response = await fetchFn(doc.token_endpoint, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
  });
  const body = await json(response, 'Token refresh');
  if (!response.ok) {
    throw new CliError(`The session expired (${String(body.error ?? response.status)})`, undefined, ['Run berth login again']);
  }
  return tokenSet(body, refreshToken);
}
