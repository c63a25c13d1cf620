/** Parsers for option values; a bad value is a usage error (exit 2) through commander's InvalidArgumentError. */
import { InvalidArgumentError } from 'commander';

/** Repeatable `key=value`: `--label team=web --label tier=1` → { team: 'web', tier: '1' }. */
export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

export interface AccessEntry {
  subject: { kind: 'User' | 'Group'; name: string };
  role: string;
}

/** Repeatable `Kind:name=role`: `--access Group:team-payments=edit`. */
export function accessEntry(value: string, previous: AccessEntry[] = []): AccessEntry[] {
  const match = /^(User|Group):(.+)=([^=]+)$/i.exec(value);
  if (!match) throw new InvalidArgumentError(`expected User:<name>=<role> or Group:<name>=<role>, got "${value}"`);
  const kind = match[1].toLowerCase() === 'user' ? 'User' : 'Group';
  return [...previous, { subject: { kind, name: match[2] }, role: match[3] }];
}

/** `90`, `90s`, `5m`, `1h` → milliseconds. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration such as 90s, 5m or 1h, got "${value}"`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * factor);
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

/** `3`, `"3"` or `W/"3"`-free strong tag → the `If-Match` header value `"3"`. */
export function etag(value: string): string {
  const match = /^"?(\d+)"?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a version (as shown by get, e.g. 3), got "${value}"`);
  return `"${match[1]}"`;
}
