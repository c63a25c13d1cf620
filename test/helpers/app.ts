import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request, { type Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Clock } from '@berth/common';
import { configFromEnv } from '@berth/config';
import { AppModule } from '../../apps/api/src/app.module';
import { createHttpApp, fastifyAdapter, httpAppOptions, setUpHttpApp } from '../../apps/api/src/http-app';
import { contractMismatch, openApiContract, OpenApiContract } from './openapi-contract';

/**
 * Boots the real HTTP application (same modules, guards, pipes and filter as production). With `clock`, the
 * application's Clock is that one (e.g. an OffsetClock from ./clock.ts): the test moves time instead of sleeping.
 */
export async function startApp(options: { clock?: Clock } = {}): Promise<NestFastifyApplication> {
  if (!options.clock) return createHttpApp();
  const config = configFromEnv();
  const modules = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(options.clock)
    .compile();
  return setUpHttpApp(modules.createNestApplication<NestFastifyApplication>(fastifyAdapter(config), httpAppOptions()), config);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options'] as const;

/**
 * A supertest agent on the app whose every answer is also checked against openapi.json (status documented,
 * body and headers match): a mismatch fails the request's `await` like a failed `.expect()`, naming the
 * operation and each difference. See ./openapi-contract.ts for what is skipped. `contract` is for testing the check.
 */
export function http(app: NestFastifyApplication, contract: OpenApiContract = openApiContract()): TestAgent {
  const agent = request(app.getHttpServer());
  for (const method of METHODS) {
    const send = agent[method].bind(agent);
    agent[method] = (url: string, ...rest: unknown[]) =>
      (send as (url: string, ...rest: unknown[]) => ReturnType<TestAgent['get']>)(url, ...rest).expect((res: Response) =>
        contractMismatch(
          { method: method === 'del' ? 'DELETE' : method.toUpperCase(), url, status: res.status, headers: res.headers, body: res.body, text: res.text },
          contract,
        ),
      );
  }
  return agent;
}
