import { Prisma } from '@prisma/client';
import type { CustomTypesConfig, Pool, PoolClient } from 'pg';
import { types as pgTypes } from 'pg';
import { prepareValue } from 'pg/lib/utils';

/**
 * The raw-SQL face of a transaction: all the namespace decision seam, the audit trail, the outbox and
 * the idempotency store write through. A Prisma transaction client is one (its `$queryRaw` family has
 * these signatures), and so is a plain pg connection ({@link PgSql}): the hot path runs on the latter,
 * because Prisma's interactive-transaction machinery costs several times the CPU of the statements it
 * sends. Values come back typed as Prisma's raw queries type them (bigint as BigInt, timestamps as Date).
 */
export interface SqlTx {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

const TIMESTAMP = 1114;
const INT8 = 20;

/**
 * Parsers for this connection's answers only (the pool is shared with Prisma's adapter, which parses its
 * own): Prisma's `DateTime` columns are `timestamp(3)` holding UTC, so they are read as UTC whatever the
 * process's time zone; int8 becomes BigInt, as Prisma's raw queries return it.
 */
export const PRISMA_LIKE_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMP) return (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
    if (oid === INT8) return (text: string) => BigInt(text);
    return pgTypes.getTypeParser(oid, format ?? 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

/** Dates are sent as UTC ISO text (a `timestamp` column drops the zone), like Prisma's adapter stores them. */
export const param = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** A tagged template's parts (an array of strings), or a statement built with `Prisma.sql`. */
export const statementOf = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql =>
  Array.isArray(query) ? Prisma.sql(query as TemplateStringsArray, ...(values as Prisma.Sql[])) : (query as Prisma.Sql);

/**
 * Raw SQL on pg, as a {@link SqlTx}: on one connection (a transaction its owner begins and ends), or on
 * the pool (each statement on its own, for hot reads outside any transaction).
 */
export class PgSql implements SqlTx {
  constructor(private readonly client: PoolClient | Pool) {}

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
    const statement = statementOf(query, values);
    return (await this.run(statement.text, statement.values)).rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
    const statement = statementOf(query, values);
    return (await this.run(statement.text, statement.values)).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.run(query, values)).rows as T;
  }

  private run(text: string, values: readonly unknown[]) {
    return this.client.query({ text, values: values.map(param), types: PRISMA_LIKE_TYPES });
  }
}

/**
 * A statement with its values written in as literals, for a simple query that carries several statements
 * in one round trip (a simple query takes no parameters). Each value goes through pg's own conversion (the
 * text it would send as a parameter: arrays as array literals, objects as JSON, dates as UTC ISO) and is
 * quoted as pg's `escapeLiteral` quotes, so a value is always one literal and never SQL. Binary values and NUL
 * characters cannot be written into the text of a query and are refused (the validation pipe refuses NUL
 * in input before it gets here).
 */
export function inlineStatement(statement: Prisma.Sql): string {
  const { strings, values } = statement;
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += literal(values[i]) + strings[i + 1];
  return text;
}

function literal(value: unknown): string {
  const prepared = prepareValue(param(value));
  if (prepared === null) return 'NULL';
  if (typeof prepared !== 'string') throw new Error('a binary value cannot be written into the text of a statement');
  if (prepared.includes('\0')) throw new Error('a NUL character cannot be written into the text of a statement');
  return quoted(prepared);
}

/**
 * pg's `escapeLiteral`, with regular expressions instead of its character-by-character loop (a create writes a
 * few kilobytes of JSON into its statement): quotes doubled, and when there is a backslash the E'' form with
 * backslashes doubled, which reads the same whatever `standard_conforming_strings` says.
 */
function quoted(text: string): string {
  const body = text.replace(/'/g, "''");
  return text.includes('\\') ? ` E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}
