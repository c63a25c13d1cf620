import fs from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { configFromEnv } from '@berth/config';
import { AppModule } from './app.module';
import { buildOpenApi } from './http-app';

/**
 * Writes the OpenAPI document (`npm run openapi` → openapi.json at the repo root). Preview mode builds
 * the route table without instantiating providers, so no database is needed; CI diffs the result with
 * the committed file so an API change is always a visible change.
 */
export async function renderOpenApi(): Promise<string> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(configFromEnv()), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('v1', { exclude: ['healthz', 'readyz'] });
  const document = buildOpenApi(app);
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (require.main === module) {
  const target = path.resolve(process.argv[2] ?? 'openapi.json');
  renderOpenApi()
    .then((text) => fs.writeFileSync(target, text))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
