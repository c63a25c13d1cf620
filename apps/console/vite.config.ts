import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is served by the API at /console (apps/api), from dist/console: one origin, no CORS.
export default defineConfig({
  root,
  base: '/console/',
  resolve: { alias: { '@berth/client': fileURLToPath(new URL('../../libs/client/src/index.ts', import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)), emptyOutDir: true, sourcemap: true },
});
