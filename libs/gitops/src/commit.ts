import { FleetError } from './errors';

export interface CommitAuthor {
  name: string;
  email: string;
  /**
   * Default now (+0000). ISO 8601 with a zone (`2026-01-01T00:00:00Z`, `2026-01-01 09:30:00 +0200`), RFC 2822
   * (`Thu, 07 Apr 2005 22:13:13 +0200`) or git's own `@1700000000 +0000`.
   */
  date?: string;
}

export interface CommitFields {
  tree: string;
  parent: string | null;
  author: CommitAuthor;
  committer: CommitAuthor;
  /** The whole message, as formatCommitMessage builds it. */
  message: string;
}

interface GitDate {
  seconds: number;
  /** East of UTC. */
  offsetMinutes: number;
}

const AT_SECONDS = /^@(\d+)(?: ([+-]\d{4}))?$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ?(Z|[+-]\d{2}:?\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC_2822 = new RegExp(`^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\\d{1,2}) (${MONTHS.join('|')}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) ([+-]\\d{4})$`);

function zoneMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return null;
  const [hours, minutes] = [Number(m[2]), Number(m[3])];
  if (hours > 23 || minutes > 59) return null;
  const total = hours * 60 + minutes;
  return m[1] === '-' ? 0 - total : total; // 0 - 0 is +0: '-0000' is written '+0000', as git does
}

/** Wall-clock time in a zone. Refuses what is no calendar time (2026-02-30) and years git cannot date (before 1970, after 2099). */
function civilDate(fields: number[], zone: string): GitDate | null {
  const [year, month, day, hour, minute, second] = fields;
  const offsetMinutes = zoneMinutes(zone);
  if (offsetMinutes === null || year < 1970 || year > 2099 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const seconds = ms / 1000 - offsetMinutes * 60;
  return seconds >= 0 ? { seconds, offsetMinutes } : null;
}

/**
 * The forms of date the fleet writer takes, read the way git reads them (fractions of a second dropped).
 * Explicit rather than anything git's approxidate guesses at: a date without a zone would depend on the
 * machine's time zone, and `yesterday` on the moment. Null for anything else.
 */
export function parseGitDate(date: string): GitDate | null {
  const at = AT_SECONDS.exec(date);
  if (at) {
    const seconds = Number(at[1]);
    const offsetMinutes = zoneMinutes(at[2] ?? '+0000');
    return Number.isSafeInteger(seconds) && offsetMinutes !== null ? { seconds, offsetMinutes } : null;
  }
  const iso = ISO_8601.exec(date);
  if (iso) return civilDate(iso.slice(1, 7).map(Number), iso[7]);
  const rfc = RFC_2822.exec(date);
  if (rfc) return civilDate([Number(rfc[3]), MONTHS.indexOf(rfc[2]) + 1, Number(rfc[1]), Number(rfc[4]), Number(rfc[5]), Number(rfc[6])], rfc[7]);
  return null;
}

/** git trims these from both ends of a name or email it is given (ident.c's crud()); inside they stay. */
const isCrud = (c: string) => c <= ' ' || '.,:;<>"\\\''.includes(c);

function withoutCrud(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isCrud(s[start])) start++;
  while (end > start && isCrud(s[end - 1])) end--;
  return s.slice(start, end);
}

export function validateAuthor(a: CommitAuthor, what: string): void {
  for (const v of [a.name, a.email]) {
    if (typeof v !== 'string' || withoutCrud(v) === '' || /[<>\n\r\0]/.test(v)) throw new FleetError(`${what}: invalid name or email`);
  }
  if (a.date && !parseGitDate(a.date)) {
    throw new FleetError(`${what}: unsupported date ${JSON.stringify(a.date)} (ISO 8601 with a zone, RFC 2822, or @<seconds> ±hhmm)`);
  }
}

function formatZone(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/** `Name <email> <seconds> ±hhmm`, the identity line git builds from GIT_AUTHOR_* or GIT_COMMITTER_*. */
function identLine(a: CommitAuthor, nowSeconds: number): string {
  const date = a.date ? parseGitDate(a.date) : { seconds: nowSeconds, offsetMinutes: 0 };
  if (!date) throw new FleetError(`unsupported date ${JSON.stringify(a.date)}`);
  return `${withoutCrud(a.name)} <${withoutCrud(a.email)}> ${date.seconds} ${formatZone(date.offsetMinutes)}`;
}

/**
 * A commit object's content, byte for byte what `git commit-tree` writes for the same fields (identities and
 * dates given through GIT_AUTHOR_* and GIT_COMMITTER_*; no encoding header, the message being UTF-8).
 * Author and committer without a date share one "now", as in git.
 */
export function commitContent(c: CommitFields, nowSeconds = Math.floor(Date.now() / 1000)): Buffer {
  const headers = [`tree ${c.tree}`, ...(c.parent ? [`parent ${c.parent}`] : [])];
  headers.push(`author ${identLine(c.author, nowSeconds)}`, `committer ${identLine(c.committer, nowSeconds)}`);
  return Buffer.from(`${headers.join('\n')}\n\n${c.message}`, 'utf8');
}
