import { Prisma } from '@prisma/client';
import { escapeLiteral, Pool } from 'pg';
import { inlineStatement, PgSql } from './sql';

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

describe('inlineStatement (values written into a statement as literals, for a several-statement round trip)', () => {
  const pool = new Pool({ connectionString: url, max: 1 });
  afterAll(() => pool.end());

  const tricky = ["it's", "back\\slash \\' quote", '$1 ; DROP TABLE x; --', 'naïve ☃ 😀', '', ' spaced '];

  it('reads back every value exactly as the same statement with parameters does', async () => {
    const at = new Date('2026-11-30T01:02:03.456Z');
    const statement = Prisma.sql`SELECT ${tricky}::text[] AS texts, ${tricky[1]} AS one, ${JSON.stringify({ q: 'a\'b\\c"d', n: [1, null] })}::jsonb AS doc,
      ${at}::timestamptz AS at, ${9007199254740993n}::bigint::text AS big, ${-1.5}::float8 AS num, ${true}::boolean AS yes, ${null}::text AS nothing,
      ${['a,b', '{c}', 'NULL', null]}::text[] AS awkward`;
    const inlined = (await pool.query(inlineStatement(statement))).rows;
    const bound = (await pool.query(statement.text, statement.values as unknown[])).rows;
    expect(inlined).toEqual(bound);
    expect(inlined[0]).toMatchObject({ texts: tricky, one: tricky[1], doc: { q: 'a\'b\\c"d', n: [1, null] }, at, big: '9007199254740993' });
    expect(inlined[0]).toMatchObject({ num: -1.5, yes: true, nothing: null, awkward: ['a,b', '{c}', 'NULL', null] });
  });

  it("quotes exactly as pg's escapeLiteral does", () => {
    const alphabet = ["'", '\\', 'a', ' ', 'E', '"', '$', ';', '\n', 'é', '😀'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      expect(inlineStatement(Prisma.sql`SELECT ${text}`)).toBe(`SELECT ${escapeLiteral(text)}`);
    }
  });

  it('keeps every value one literal, whatever it holds', () => {
    expect(inlineStatement(Prisma.sql`SELECT ${"'; DROP TABLE x; --"} AS a`)).toBe(`SELECT '''; DROP TABLE x; --' AS a`);
  });

  it('refuses a NUL character and binary values (neither can travel in the text of a query)', () => {
    expect(() => inlineStatement(Prisma.sql`SELECT ${'a\u0000b'}`)).toThrow(/NUL/);
    expect(() => inlineStatement(Prisma.sql`SELECT ${Buffer.from('x')}`)).toThrow(/binary/);
  });
});
