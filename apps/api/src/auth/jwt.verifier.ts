import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';

export interface VerifiedClaims {
  sub: string;
  email?: string;
  groups: string[];
}

export class InvalidTokenError extends Error {}

/** How long a verified token is taken on trust again without its signature checked (never past its exp). */
const TRUSTED_FOR_MS = 60_000;
/** Tokens remembered at most (oldest forgotten first): a portal's few service tokens and the active users'. */
const TRUSTED_MAX = 5_000;

/** Text PostgreSQL cannot store (NUL) or that is not valid Unicode (a lone UTF-16 surrogate). */
const unstorable = (value: string) => value.includes('\u0000') || /\p{Cs}/u.test(value);

/**
 * Verifies user tokens: RS256/ES256 from the OIDC issuer's JWKS in production, HS256 with
 * BERTH_JWT_SECRET for development and tests. `alg: none` and algorithm confusion are refused because
 * each key source only accepts its own algorithms. Every token must expire (`exp`), and `exp`, `nbf`
 * and `iat` are checked with BERTH_JWT_CLOCK_SKEW_SECONDS of tolerance: a token issued in the future
 * beyond it is refused too.
 */
@Injectable()
export class JwtVerifier {
  private readonly logger = new Logger(JwtVerifier.name);
  private jwks?: Promise<JWTVerifyGetKey>;
  private readonly secret?: Uint8Array;
  /**
   * Tokens verified in the last minute, by their exact text: a client sends the same token with every request,
   * and checking its signature (WebCrypto's HMAC, or RSA) was the largest item of a create's CPU after the
   * database. An entry never outlives the token's own `exp`; failures are never remembered.
   */
  private readonly trusted = new Map<string, { claims: VerifiedClaims; until: number }>();

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    if (config.auth.jwtSecret) this.secret = new TextEncoder().encode(config.auth.jwtSecret);
  }

  async verify(token: string): Promise<VerifiedClaims> {
    const now = Date.now();
    const known = this.trusted.get(token);
    if (known && now < known.until) return known.claims;
    if (known) this.trusted.delete(token);
    const { claims, exp } = await this.verifyNow(token);
    this.remember(token, claims, Math.min(exp * 1000, now + TRUSTED_FOR_MS));
    return claims;
  }

  private remember(token: string, claims: VerifiedClaims, until: number): void {
    if (this.trusted.size >= TRUSTED_MAX) this.trusted.delete(this.trusted.keys().next().value!);
    this.trusted.set(token, { claims, until });
  }

  private async verifyNow(token: string): Promise<{ claims: VerifiedClaims; exp: number }> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new InvalidTokenError('Malformed token');
    }
    const payload = alg === 'HS256' ? await this.verifyShared(token) : await this.verifyOidc(token);
    // `exp` is required (timing()), so jose has checked it is a number.
    return { claims: this.claims(payload), exp: payload.exp! };
  }

  private async verifyShared(token: string): Promise<JWTPayload> {
    if (!this.secret) throw new InvalidTokenError('HS256 tokens are not accepted (BERTH_JWT_SECRET is not set)');
    const { auth } = this.config;
    return this.run(() => jwtVerify(token, this.secret!, { algorithms: ['HS256'], issuer: auth.jwtIssuer, audience: auth.jwtAudience, ...this.timing() }));
  }

  private async verifyOidc(token: string): Promise<JWTPayload> {
    const { oidcIssuer, oidcAudience } = this.config.auth;
    if (!oidcIssuer) throw new InvalidTokenError('Token algorithm not accepted');
    const keys = await this.oidcKeys(oidcIssuer);
    return this.run(() => jwtVerify(token, keys, { algorithms: ['RS256', 'ES256'], issuer: oidcIssuer, audience: oidcAudience, ...this.timing() }));
  }

  /** jose checks exp and nbf with the tolerance; a future iat only with maxTokenAge, so `claims` checks it. */
  private timing() {
    return { requiredClaims: ['exp'], clockTolerance: this.config.auth.clockSkewSeconds };
  }

  private async run(verify: () => Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
    try {
      return (await verify()).payload;
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
  }

  /** OIDC discovery once; jose's remote key set caches keys and refetches on unknown `kid`. */
  private oidcKeys(issuer: string): Promise<JWTVerifyGetKey> {
    this.jwks ??= (async () => {
      const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`OIDC discovery failed: ${url} answered ${response.status}`);
      const { jwks_uri } = (await response.json()) as { jwks_uri?: string };
      if (!jwks_uri) throw new Error(`OIDC discovery document at ${url} has no jwks_uri`);
      return createRemoteJWKSet(new URL(jwks_uri));
    })().catch((error: Error) => {
      this.jwks = undefined;
      this.logger.error(error.message);
      throw new InvalidTokenError('Identity provider unavailable');
    });
    return this.jwks;
  }

  private claims(payload: JWTPayload): VerifiedClaims {
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + this.config.auth.clockSkewSeconds) {
      throw new InvalidTokenError('Token issued in the future (iat beyond the allowed clock skew)');
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidTokenError('Token has no subject (sub)');
    const rawGroups = (payload as Record<string, unknown>)[this.config.auth.groupsClaim];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
    const email = typeof payload.email === 'string' ? payload.email : undefined;
    // These reach PostgreSQL (memberships, audit, requests): refuse the token rather than fail later with a 500.
    if ([payload.sub, email ?? '', ...groups].some(unstorable)) throw new InvalidTokenError('Token claims contain characters that cannot be stored');
    return { sub: payload.sub, email, groups };
  }
}
