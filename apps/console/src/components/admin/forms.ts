import { FormError } from './hooks';

/** `key=value` per line (or comma-separated) → a map; a line without `=` is a FormError naming `field`. */
export function parseMap(text: string, field: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new FormError(field, `"${line}" is not key=value`);
    map[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return map;
}

/** The inverse of parseMap: one `key=value` per line. */
export const formatMap = (map: Record<string, string | number> | null | undefined): string =>
  Object.entries(map ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** A tenant budget: quantities stay strings; `namespaces` (a count) is sent as an integer. */
export function parseBudget(text: string, field: string): Record<string, string | number> {
  const map: Record<string, string | number> = parseMap(text, field);
  if (typeof map.namespaces === 'string' && /^\d+$/.test(map.namespaces)) map.namespaces = Number(map.namespaces);
  return map;
}

/** A comma- or space-separated list of names. */
export const parseList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** If-Match for a row: its version is its ETag. */
export const ifMatch = (version: number) => `"${version}"`;

/** A timestamp as `2026-11-29 21:15:03 UTC` (the same on every machine). */
export const formatTime = (iso: string | null | undefined): string => (iso ? `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—');
