import { Prisma } from '@prisma/client';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PgUnit, runUnit } from './pg-unit';

// Real PostgreSQL (the test database server): one table of this file's own, dropped at the end.
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const table = `pg_unit_probe_${randomUUID().slice(0, 8)}`;
const t = Prisma.raw(`"${table}"`);

describe('PgUnit and runUnit (a transaction in as few round trips as its work allows)', () => {
  const pool = new Pool({ connectionString: url, max: 4 });
  beforeAll(() => pool.query(`CREATE TABLE "${table}" (k text PRIMARY KEY, v int)`));
  afterAll(async () => {
    await pool.query(`DROP TABLE "${table}"`);
    await pool.end();
  });
  beforeEach(() => pool.query(`TRUNCATE "${table}"; INSERT INTO "${table}" VALUES ('lock', 0)`));

  /** A unit (runUnit) whose opening takes the probe's row lock, and the queries its connection sent. */
  async function withUnit<T>(work: (unit: PgUnit, sent: string[]) => Promise<T>): Promise<{ result?: T; error?: unknown; sent: string[] }> {
    const sent: string[] = [];
    const recording = {
      connect: async () => {
        const client = await pool.connect();
        const { query, release } = client;
        Object.assign(client, {
          query: (config: unknown, ...rest: unknown[]) => {
            sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
            return (query as (...a: unknown[]) => unknown).call(client, config, ...rest);
          },
          // Back to the pool as it came.
          release: (broken?: Error) => (Object.assign(client, { query, release }), release.call(client, broken)),
        });
        return client;
      },
    } as unknown as Pool;
    try {
      return { result: await runUnit(recording, `BEGIN; SELECT 1 FROM "${table}" WHERE k = 'lock' FOR UPDATE`, (unit) => work(unit, sent)), sent };
    } catch (error) {
      return { error, sent };
    }
  }

  const rows = async () => (await pool.query(`SELECT k, v FROM "${table}" WHERE k <> 'lock' ORDER BY k`)).rows;

  it('sends its opening with its first statement and its COMMIT with its last: two round trips', async () => {
    const { result, sent } = await withUnit(async (unit) => {
      const [count] = await unit.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM ${t}`;
      return unit.$queryRawAndCommit<Array<{ k: string }>>(Prisma.sql`INSERT INTO ${t} VALUES ('a', ${count.n}) RETURNING k`);
    });
    expect(result).toEqual([{ k: 'a' }]);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^BEGIN; SELECT 1 .* FOR UPDATE;\nSELECT count/s);
    expect(sent[1]).toMatch(/INSERT INTO .* RETURNING k;\nCOMMIT$/s);
    expect(await rows()).toEqual([{ k: 'a', v: 1 }]);
  });

  it('commits on its own when the last statement did not carry the COMMIT, and sends nothing when it ran none', async () => {
    const written = await withUnit(async (unit) => unit.$executeRaw`INSERT INTO ${t} VALUES ('b', 2)`);
    expect(written.result).toBe(1);
    expect(written.sent).toEqual([expect.stringMatching(/INSERT INTO/), 'COMMIT']);
    expect((await withUnit(async () => 'nothing')).sent).toEqual([]);
    expect(await rows()).toEqual([{ k: 'b', v: 2 }]);
  });

  it('reads, in the statement sent with its lock, what the previous holder of the lock committed', async () => {
    // The holder inserts under the lock and commits 300 ms later; the unit asks meanwhile, waits for the lock,
    // and must count the holder's row: its read has a snapshot of its own, taken once the lock was granted.
    const holder = await pool.connect();
    await holder.query(`BEGIN; SELECT 1 FROM "${table}" WHERE k = 'lock' FOR UPDATE; INSERT INTO "${table}" VALUES ('held', 1)`);
    const waiting = withUnit((unit) => unit.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM ${t} WHERE k = 'held'`);
    await new Promise((r) => setTimeout(r, 300));
    await holder.query('COMMIT');
    holder.release();
    expect((await waiting).result).toEqual([{ n: 1 }]);
  });

  it('commits nothing when its last statement fails, and leaves the connection usable', async () => {
    await pool.query(`INSERT INTO "${table}" VALUES ('taken', 0)`);
    const { error } = await withUnit(async (unit) => {
      await unit.$executeRaw`INSERT INTO ${t} VALUES ('first', 1)`;
      return unit.$queryRawAndCommit(Prisma.sql`INSERT INTO ${t} VALUES ('taken', 1)`);
    });
    expect(error).toMatchObject({ code: '23505' });
    expect(await rows()).toEqual([{ k: 'taken', v: 0 }]);
    expect((await withUnit((unit) => unit.$queryRaw<Array<{ ok: number }>>`SELECT 1 AS ok`)).result).toEqual([{ ok: 1 }]);
  });

  it('refuses a statement after its COMMIT, and runs positional-parameter statements after its opening', async () => {
    const after = await withUnit(async (unit) => {
      await unit.$queryRawAndCommit(Prisma.sql`INSERT INTO ${t} VALUES ('c', 3)`);
      return unit.$executeRaw`INSERT INTO ${t} VALUES ('d', 4)`;
    });
    expect(String(after.error)).toMatch(/after the end of its transaction/);
    const positional = await withUnit(async (unit) => unit.$queryRawUnsafe<Array<{ v: number }>>(`INSERT INTO "${table}" VALUES ($1, $2) RETURNING v`, 'e', 5));
    expect(positional.result).toEqual([{ v: 5 }]);
    expect(positional.sent[0]).toMatch(/^BEGIN; .*FOR UPDATE;\nSELECT 1$/s);
    expect(await rows()).toEqual([
      { k: 'c', v: 3 },
      { k: 'e', v: 5 },
    ]);
  });
});
