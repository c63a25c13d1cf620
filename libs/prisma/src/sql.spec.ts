import { Prisma } from '@prisma/client';
import { Pool } from 'pg';
import { PgSql } from './sql';

// Real PostgreSQL (the test database server): a temporary table per connection, nothing left behind.
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

describe('PgSql (raw SQL on a plain pg connection, typed as Prisma types raw queries)', () => {
  const pool = new Pool({ connectionString: url, max: 1 });
  const zone = process.env.TZ;
  afterAll(async () => {
    process.env.TZ = zone;
    await pool.end();
  });

  async function inTransaction<T>(work: (tx: PgSql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE probe (at timestamp(3), n bigint, doc jsonb, tags text[]) ON COMMIT DROP');
      return await work(new PgSql(client));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('stores and reads timestamp(3) columns as UTC whatever the process time zone', async () => {
    process.env.TZ = 'America/New_York';
    const at = new Date('2026-11-30T01:02:03.456Z');
    const stored = await inTransaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO probe (at) VALUES (${at})`;
      return tx.$queryRaw<Array<{ text: string; at: Date }>>`SELECT to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS text, at FROM probe`;
    });
    expect(stored).toEqual([{ text: '2026-11-30T01:02:03.456', at }]);
  });

  it('returns bigint as BigInt, jsonb parsed, text[] as an array; binds arrays and nested Prisma.sql fragments', async () => {
    const tags = ['a', 'b,"c"'];
    const rows = await inTransaction(async (tx) => {
      const n = Prisma.sql`${9007199254740993n}::bigint`;
      await tx.$executeRaw(Prisma.sql`INSERT INTO probe (n, doc, tags) VALUES (${n}, ${JSON.stringify({ k: [1] })}::jsonb, ${tags}::text[])`);
      return tx.$queryRaw<Array<{ n: bigint; doc: unknown; tags: string[] }>>`SELECT n, doc, tags FROM probe`;
    });
    expect(rows).toEqual([{ n: 9007199254740993n, doc: { k: [1] }, tags }]);
  });

  it('counts affected rows and takes positional parameters (pg-boss writes through $queryRawUnsafe)', async () => {
    const result = await inTransaction(async (tx) => {
      const inserted = await tx.$executeRaw`INSERT INTO probe (n) SELECT g FROM generate_series(1, 3) g`;
      const [row] = await tx.$queryRawUnsafe<Array<{ total: bigint }>>('SELECT sum(n)::bigint AS total FROM probe WHERE n > $1', 1);
      return { inserted, total: row.total };
    });
    expect(result).toEqual({ inserted: 3, total: 5n });
  });
});
