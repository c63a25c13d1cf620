import path from 'node:path';
import { defineConfig } from 'prisma/config';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cliAdapter } = require('./prisma/cli-adapter.cjs');

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth';
// The schema's `url = env("DATABASE_URL")` must resolve even for `prisma generate`, which needs no
// database: without it the 6.19 CLI falls back to downloading a native engine (fails offline).
process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => cliAdapter(url),
});
