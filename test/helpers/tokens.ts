import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, ADMIN_GROUP } from './constants';

export interface TokenOptions {
  sub?: string;
  groups?: string[];
  email?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
  secret?: string;
  omitSub?: boolean;
  /** Leave the groups claim out entirely (a token from an IdP that sends no groups). */
  omitGroups?: boolean;
}

/** Mints a real HS256 token that Berth verifies through its real passport strategy. */
export async function tokenFor(options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = options.omitGroups ? {} : { groups: options.groups ?? [] };
  if (options.email) claims.email = options.email;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setExpirationTime(options.expiresIn ?? '1h');
  if (!options.omitSub) jwt = jwt.setSubject(options.sub ?? `user-${randomUUID()}`);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

export const adminToken = (sub = `admin-${randomUUID()}`) => tokenFor({ sub, groups: [ADMIN_GROUP] });

/** An unsigned `alg: none` token, which must be refused. */
export function unsignedToken(sub = 'mallory'): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub, iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 3600, groups: [ADMIN_GROUP] })}.`;
}
