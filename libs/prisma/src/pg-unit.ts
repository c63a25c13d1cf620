import { Prisma } from '@prisma/client';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { inlineStatement, param, PRISMA_LIKE_TYPES, SqlTx, statementOf } from './sql';

/** A transaction that can end with its last statement: `$queryRawAndCommit` (see {@link PgUnit}). */
export interface CommittingSqlTx extends SqlTx {
  $queryRawAndCommit<T = unknown>(query: Prisma.Sql): Promise<T>;
}

export function canCommitWithStatement(tx: SqlTx): tx is CommittingSqlTx {
  return typeof (tx as Partial<CommittingSqlTx>).$queryRawAndCommit === 'function';
}

/**
 * A transaction on one pg connection that costs two round trips when it can: its opening (BEGIN, its limits,
 * its lock: `begin`) goes out in the same simple query as its first statement, and its last statement may
 * carry the COMMIT. A simple query runs its statements in order and, under READ COMMITTED, each with a
 * snapshot of its own, so a read placed after a lock in the same text sees every transaction committed
 * before the lock was granted, exactly as if it had been sent on its own. A failing statement stops the
 * text there: nothing after it runs (no COMMIT), and the caller rolls back.
 */
export class PgUnit implements CommittingSqlTx {
  private begun = false;
  private done = false;

  constructor(
    private readonly client: PoolClient,
    private readonly begin: string,
  ) {}

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
    return (await this.send(inlineStatement(statementOf(query, values)))).rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
    return (await this.send(inlineStatement(statementOf(query, values)))).rowCount ?? 0;
  }

  /** Positional parameters (pg-boss's statements): sent as they are, after the opening if it is still due. */
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    this.assertOpen();
    if (!this.begun) await this.send('SELECT 1');
    return (await this.client.query({ text: query, values: values.map(param), types: PRISMA_LIKE_TYPES })).rows as T;
  }

  /** `query`, then COMMIT, in one round trip: the unit's last statement (nothing may run in it afterwards). */
  async $queryRawAndCommit<T = unknown>(query: Prisma.Sql): Promise<T> {
    const results = await this.sendAll(`${inlineStatement(query)};\nCOMMIT`);
    this.done = true;
    return results[results.length - 2].rows as T;
  }

  /** Ends the unit: COMMIT unless its last statement carried it, nothing at all when it never began. */
  async commit(): Promise<void> {
    if (this.done || !this.begun) return;
    await this.client.query('COMMIT');
    this.done = true;
  }

  /** Ends the unit without its changes (a failed statement or a throw in its work). */
  async rollback(): Promise<void> {
    if (!this.begun || this.done) return;
    this.done = true;
    await this.client.query('ROLLBACK');
  }

  private async send(text: string): Promise<QueryResult> {
    const results = await this.sendAll(text);
    return results[results.length - 1];
  }

  /** One simple query (the opening first while it is due); every statement's result, in order. */
  private async sendAll(text: string): Promise<QueryResult[]> {
    this.assertOpen();
    const opening = this.begun ? '' : `${this.begin};\n`;
    this.begun = true;
    const answer = (await this.client.query({ text: `${opening}${text}`, types: PRISMA_LIKE_TYPES })) as QueryResult | QueryResult[];
    return Array.isArray(answer) ? answer : [answer];
  }

  private assertOpen(): void {
    if (this.done) throw new Error('statement after the end of its transaction');
  }
}

/**
 * Runs `work` in a {@link PgUnit} on one connection of `pool` (`opening`: its BEGIN and whatever must precede
 * its first statement), then commits. A failed statement or a throw rolls it back; a connection that cannot
 * even roll back is discarded, not returned to the pool.
 */
export async function runUnit<T>(pool: Pool, opening: string, work: (unit: PgUnit) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const unit = new PgUnit(client, opening);
  let broken: Error | undefined;
  try {
    const result = await work(unit);
    await unit.commit();
    return result;
  } catch (error) {
    await unit.rollback().catch((rollbackFailed: Error) => (broken = rollbackFailed));
    throw error;
  } finally {
    client.release(broken);
  }
}
