import type { Reason } from './types';

/** Every code the engine emits. Codes are stable: the portal and API clients key on them. */
export const REASON_CODES = [
  'request.invalid-kind',
  'name.invalid',
  'name.prefix',
  'name.tenant-prefix',
  'name.reserved',
  'name.taken',
  'namespace.not-found',
  'cluster.unknown',
  'cluster.not-allowed',
  'tier.unknown',
  'tier.not-allowed',
  'tier.requires-approval',
  'resources.missing',
  'resources.unknown-key',
  'resources.invalid-quantity',
  'resources.duplicate-key',
  'resources.exceeds-tier',
  'resources.too-large',
  'resources.tenant-total-too-large',
  'budget.exceeded',
  'budget.namespaces-exceeded',
  'labels.invalid-key',
  'labels.invalid-value',
  'labels.reserved',
  'labels.not-allowed',
  'annotations.invalid-key',
  'annotations.reserved',
  'annotations.not-allowed',
  'annotations.too-large',
  'access.role-not-allowed',
  'access.invalid-subject',
  'network-policy.invalid',
  'ttl.invalid',
  'ttl.exceeds-max',
  'delete.protected',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

type Details = Pick<Reason, 'field' | 'limit' | 'requested' | 'used'>;

export function deny(code: ReasonCode, message: string, details?: Details): Reason {
  return { code, message, ...details, severity: 'deny' };
}

export function needsApproval(code: ReasonCode, message: string, details?: Details): Reason {
  return { code, message, ...details, severity: 'needs-approval' };
}

/** `"value"` for messages; long or odd input is shown safely. */
export function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
