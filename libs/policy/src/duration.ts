/**
 * Go-style durations, integer subset: one or more `<digits><unit>` with units d, h, m, s
 * (e.g. 72h, 90m, 1h30m, 3600s, 7d). `d` (= 24h) is accepted although Go has no day unit, because
 * people write TTLs in days. Fractions (1.5h) and ms/us/ns are not accepted: a namespace TTL
 * finer than a second is meaningless.
 */
const DURATION = /^(?:\d{1,9}[dhms])+$/;
const PART = /(\d+)([dhms])/g;
const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** Seconds, or null when `input` is not a duration of the accepted form. */
export function parseDuration(input: string): number | null {
  if (typeof input !== 'string' || input.length > 40 || !DURATION.test(input)) return null;
  let seconds = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(input); m !== null; m = PART.exec(input)) seconds += Number(m[1]) * UNIT_SECONDS[m[2]];
  return seconds;
}

/** Human form of a number of seconds, e.g. 720h, 1h30m, 45s. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}
