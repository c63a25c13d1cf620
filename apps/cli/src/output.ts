/* eslint-disable @typescript-eslint/no-require-imports -- cli-table3 and yaml load only when a command prints with them */
const Table = () => require('cli-table3') as typeof import('cli-table3');
const yaml = () => require('yaml') as typeof import('yaml');
/* eslint-enable @typescript-eslint/no-require-imports */

export type Format = 'table' | 'json' | 'yaml';
export const FORMATS: Format[] = ['table', 'json', 'yaml'];

/** A table column: its header and how to read the cell from a row. */
export type Column<T> = [header: string, cell: (row: T) => unknown];

const BLANK = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '' };
const NO_BORDERS = { ...BLANK, left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ' };

/** A cell as text: `-` for nothing, `k=v,…` for maps, `a,b` for lists. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length ? value.map(cell).join(',') : '-';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? entries.map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(',') : '-';
  }
  return String(value);
}

/** `40s`, `12m`, `5h`, `3d`: the coarse span kubectl shows. */
export function span(seconds: number): string {
  if (seconds < 120) return `${Math.floor(seconds)}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** Time since an ISO date, as kubectl's AGE column. */
export function age(iso: string | null | undefined, now = Date.now()): string {
  return iso ? span(Math.max(0, (now - new Date(iso).getTime()) / 1000)) : '-';
}

/** Time left until an ISO date: `in 3h`, or `expired`. */
export function until(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const seconds = (new Date(iso).getTime() - now) / 1000;
  return seconds > 0 ? `in ${span(seconds)}` : 'expired';
}

function render(head: string[], rows: string[][]): string {
  const table = new (Table())({ head, chars: NO_BORDERS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  table.push(...rows);
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

export function data(value: unknown, format: Exclude<Format, 'table'>): string {
  return format === 'json' ? JSON.stringify(value, null, 2) : yaml().stringify(value).trimEnd();
}

const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** A list: a table with `columns`, or the items as a JSON / YAML array. */
export function printList<T>(rows: T[], format: Format, columns: Column<T>[], empty = 'No resources found.'): void {
  if (format !== 'table') return out(data(rows, format));
  if (!rows.length) {
    process.stderr.write(`${empty}\n`);
    return;
  }
  out(
    render(
      columns.map(([header]) => header),
      rows.map((row) => columns.map(([, read]) => cell(read(row)))),
    ),
  );
}

/** One resource: `field  value` lines (with `fields`, else every top-level field), or the body as JSON / YAML. */
export function printObject(value: unknown, format: Format, fields?: Array<[string, unknown]>): void {
  if (format !== 'table') return out(data(value, format));
  const rows = fields ?? Object.entries(value as Record<string, unknown>);
  const width = Math.max(...rows.map(([k]) => k.length));
  out(rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${cell(v)}`).join('\n'));
}
