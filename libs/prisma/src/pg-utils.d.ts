/** The part of pg's (untyped) utils module Berth uses: the text pg sends for a parameter value. */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
