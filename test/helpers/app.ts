import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request, { type Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createHttpApp } from '../../apps/api/src/http-app';
import { contractMismatch, openApiContract, OpenApiContract } from './openapi-contract';

/** Boots the real HTTP application (same modules, guards, pipes and filter as production). */
export async function startApp(): Promise<NestFastifyApplication> {
  return createHttpApp();
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
