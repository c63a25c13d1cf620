import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPino, JsonLogger } from '@berth/common';
import { createHttpApp } from '../apps/api/src/http-app';
import { http } from './helpers/app';
import { bearer } from './helpers/fixtures';
import { fleetEnv, startApiProcess } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { adminToken } from './helpers/tokens';

/** The real app, logging at info into a captured stream: what a log collector reads from stdout. */
describe('structured logs', () => {
  let app: NestFastifyApplication;
  const lines: string[] = [];
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    const saved = process.env.BERTH_LOG_REQUESTS;
    process.env.BERTH_LOG_REQUESTS = 'true';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    try {
      app = await createHttpApp({ logger: new JsonLogger(createPino({ level: 'info', format: 'json', destination })) });
    } finally {
      if (saved === undefined) delete process.env.BERTH_LOG_REQUESTS;
      else process.env.BERTH_LOG_REQUESTS = saved;
    }
  });
  afterAll(() => app.close());

  it('one JSON line per request with the error body’s requestId, route template, caller and tenant; no credential', async () => {
    const sub = `admin-logs-${Date.now()}`;
    const token = await adminToken(sub);
    const res = await http(app).get('/v1/tenants/no-such-tenant/usage?cursor=secret-cursor').set(bearer(token)).expect(404);
    const requestId = res.body.requestId as string;
    expect(requestId).toEqual(expect.any(String));
    expect(res.headers['x-request-id']).toBe(requestId);
    const denied = await http(app).get('/v1/me').set('X-API-Key', 'berth_not-a-real-key').set('Cookie', 'session=s3cret').expect(401);

    const byId = (id: string) => records().filter((r) => r.requestId === id);
    const [line] = byId(requestId);
    expect(line).toMatchObject({
      level: 'info',
      context: 'HTTP',
      time: expect.any(String),
      method: 'GET',
      route: '/v1/tenants/:tenant/usage',
      path: '/v1/tenants/no-such-tenant/usage?cursor=…',
      status: 404,
      durationMs: expect.any(Number),
      caller: expect.stringContaining(sub),
      tenant: 'no-such-tenant',
    });
    expect(line.msg).toContain('GET /v1/tenants/no-such-tenant/usage?cursor=… 404');
    expect(byId(denied.body.requestId)[0]).toMatchObject({ status: 401, caller: null, route: '/v1/me' });

    const all = lines.join('\n');
    for (const secret of [token, 'berth_not-a-real-key', 's3cret', 'secret-cursor']) expect(all).not.toContain(secret);
  });

  it('new Logger(X.name) call sites become lines with context and msg; an error keeps its stack', () => {
    const logger = new Logger('FleetWriterService');
    logger.log('fleet writer recovered after 3 attempts');
    const error = new Error('fleet remote unreachable');
    logger.error(`fleet writer degraded: ${error.message}`, error.stack);
    const mine = records().filter((r) => r.context === 'FleetWriterService');
    expect(mine).toEqual([
      expect.objectContaining({ level: 'info', msg: 'fleet writer recovered after 3 attempts' }),
      expect.objectContaining({
        level: 'error',
        msg: 'fleet writer degraded: fleet remote unreachable',
        stack: expect.stringContaining('Error: fleet remote unreachable'),
      }),
    ]);
  });

  it('redacts credential fields whoever passes them', () => {
    new Logger('Probe').warn({ msg: 'probe', headers: { authorization: 'Bearer abc', 'x-api-key': 'k', cookie: 'c' } });
    const probe = records().find((r) => r.context === 'Probe');
    expect(probe).toMatchObject({ msg: 'probe', headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]' } });
  });
});

/** The built API as production runs it (stdout is a pipe, so JSON): every line parses, the banner included. */
describe('structured logs of the built API process', () => {
  jest.setTimeout(90_000);

  it('writes only JSON lines; a request line carries the requestId its error body returned and no credential', async () => {
    const env = await fleetEnv();
    const api = await startApiProcess(env, 'logs', { BERTH_LOG_REQUESTS: 'true' });
    try {
      await api.ready;
      const token = 'berth_AAAAAAAAAAAAAAAA_not-a-valid-secret-but-shaped-like-one-xxxxxx';
      const res = await fetch(`${api.base}/v1/tenants/payments/usage`, { headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'logs-e2e-1' } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { requestId: string }).requestId).toBe('logs-e2e-1');
      await waitFor(() => api.output().includes('"requestId":"logs-e2e-1"'), { what: 'the request line', timeoutMs: 10_000 });
      const parsed = api
        .output()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed.find((r) => String(r.msg).startsWith('Berth is listening'))).toMatchObject({ level: 'info', context: 'Berth', time: expect.any(String) });
      expect(parsed.find((r) => r.requestId === 'logs-e2e-1')).toMatchObject({
        context: 'HTTP',
        method: 'GET',
        route: '/v1/tenants/:tenant/usage',
        status: 401,
        tenant: 'payments',
        caller: null,
      });
      expect(api.output()).not.toContain(token);
    } finally {
      await api.stop();
      await env.cleanup();
    }
  });
});
