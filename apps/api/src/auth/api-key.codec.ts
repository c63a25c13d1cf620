import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'berth_';

export interface ParsedApiKey {
  lookupId: string;
  secret: string;
}

const FORMAT = /^berth_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

/** A new key: a public lookup id (to find the row) and a 256-bit secret (only its hash is stored). */
export function generateApiKey(): { key: string; lookupId: string; secretHash: string } {
  const lookupId = randomBytes(12).toString('base64url').replace(/[-_]/g, '').padEnd(16, '0').slice(0, 16);
  const secret = randomBytes(32).toString('base64url');
  return { key: `${API_KEY_PREFIX}${lookupId}_${secret}`, lookupId, secretHash: hashSecret(secret) };
}

/**
 * Splits a presented key. Keys Berth issued carry their lookup id; any other string (the operator's
 * BERTH_BOOTSTRAP_ADMIN_KEY) is looked up by a digest of itself.
 */
export function parseApiKey(presented: string): ParsedApiKey {
  const match = FORMAT.exec(presented);
  if (match) return { lookupId: match[1], secret: match[2] };
  return { lookupId: `h${createHash('sha256').update(presented).digest('hex').slice(0, 15)}`, secret: presented };
}

/** SHA-256 is enough for 256-bit random secrets (no dictionary to guard against, unlike passwords). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
