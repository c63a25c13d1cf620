import { BerthApiError, type ErrorResponse } from '@berth/client';

/**
 * OIDC sign-in for the console: Authorization Code with PKCE (S256) as a public client (no secret). Only the
 * state and the code verifier outlive the redirect to the identity provider, in this tab's sessionStorage, and
 * only until the callback reads them back; the access token is handed to the session and kept in memory.
 */

/** A sign-in failure in the error shape the console shows, without blaming Berth for the identity provider. */
export function signInError(failure: unknown): ErrorResponse {
  if (failure instanceof BerthApiError) return failure.body;
  const message = failure instanceof Error ? failure.message : String(failure);
  return { statusCode: 0, error: 'Sign-in failed', message, details: [] };
}

/** GET /console/config.json: null when Berth has no OIDC issuer or no console client id (API keys only). */
export interface ConsoleConfig {
  oidc: { issuer: string; clientId: string; scope: string } | null;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

const PENDING_KEY = 'berth.oidc.pending';

export const redirectUri = (): string => `${window.location.origin}/console/callback`;

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /console/config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

async function discover(issuer: string): Promise<Discovery> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`The identity provider's discovery document (${url}) answered ${response.status}`);
  const doc = (await response.json()) as Partial<Discovery>;
  if (!doc.authorization_endpoint || !doc.token_endpoint) throw new Error(`${url} names no authorization_endpoint or token_endpoint`);
  return { authorization_endpoint: doc.authorization_endpoint, token_endpoint: doc.token_endpoint };
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  if (!crypto.subtle) throw new Error('This page is not a secure context (HTTPS or localhost): the browser offers no SHA-256 for PKCE');
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** Leaves for the identity provider's sign-in page; it sends the browser back to /console/callback. */
export async function beginOidcSignIn(oidc: NonNullable<ConsoleConfig['oidc']>, returnTo: string): Promise<void> {
  const { authorization_endpoint } = await discover(oidc.issuer);
  const pending: Pending = { state: randomString(16), verifier: randomString(32), returnTo };
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(url.toString());
}

/**
 * On /console/callback: checks the state, exchanges the code (with the verifier) for tokens at the token endpoint,
 * and returns the access token and where to go back to. The pending state is removed first: it is used once.
 */
export async function completeOidcSignIn(
  oidc: NonNullable<ConsoleConfig['oidc']>,
  params: URLSearchParams,
): Promise<{ accessToken: string; returnTo: string }> {
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const error = params.get('error');
  if (error)
    throw new Error(`The identity provider refused the sign-in: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`);
  const pending = stored ? (JSON.parse(stored) as Pending) : undefined;
  if (!pending) throw new Error('No sign-in was started from this tab (or it was already completed): start again');
  if (params.get('state') !== pending.state) throw new Error('The sign-in answer does not match the sign-in started here (state differs): start again');
  const code = params.get('code');
  if (!code) throw new Error('The identity provider sent no authorization code');
  const { token_endpoint } = await discover(oidc.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`The token endpoint refused the code: ${body.error ?? response.status}${body.error_description ? ` (${body.error_description})` : ''}`);
  }
  return { accessToken: body.access_token, returnTo: pending.returnTo };
}
