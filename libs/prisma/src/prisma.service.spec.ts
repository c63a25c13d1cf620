import type { BerthConfig } from '@berth/config';
import { PrismaService } from './prisma.service';

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

describe('PrismaService pool', () => {
  it('survives an idle connection error before and without Prisma connecting (a database restart never crashes the process)', async () => {
    const prisma = new PrismaService({ databaseUrl: url } as BerthConfig);
    // An EventEmitter without an 'error' listener throws: that would be an uncaught exception in the process.
    expect(() => prisma.pool.emit('error', new Error('terminating connection due to administrator command'))).not.toThrow();
    await prisma.pool.end();
  });
});
