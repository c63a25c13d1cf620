import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createHttpApp } from '../../apps/api/src/http-app';

/** Boots the real HTTP application (same modules, guards, pipes and filter as production). */
export async function startApp(): Promise<NestFastifyApplication> {
  return createHttpApp();
}

export function http(app: NestFastifyApplication): TestAgent {
  return request(app.getHttpServer());
}
