import path from 'node:path';
import { defineConfig } from 'prisma/config';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cliAdapter } = require('./prisma/cli-adapter.cjs');

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => cliAdapter(url),
});
