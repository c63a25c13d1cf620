import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startApp } from './helpers/app';

/**
 * A request that reaches a replica while it shuts down (pipelined, or on a keep-alive connection that was busy)
 * is answered 503 in the one error shape, with Retry-After and Connection: close, so a client or a load balancer
 * retries elsewhere. Fastify's own answer for this case has neither details nor a request id.
 */
describe('a request arriving while the server closes', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close().catch(() => undefined);
  });

  it('gets 503 in the error shape, not a bare Fastify body', async () => {
    const { port } = app.getHttpAdapter().getInstance().server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    // Request A is in flight (its body is not all there yet) when the server starts to close.
    socket.write('POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = app.getHttpAdapter().getInstance().close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The rest of A, and B pipelined behind it on the same connection.
    socket.write('}GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Request-Id: closing-b\r\n\r\n');
    await ended;
    await closing;

    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    const [head, body] = answers[1].split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head.toLowerCase()).toContain('connection: close');
    expect(head.toLowerCase()).toMatch(/retry-after: \d+/);
    expect(JSON.parse(body)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/shutting down/),
      details: [{ code: 'shutting-down', message: expect.any(String) }],
      requestId: 'closing-b',
    });
  });
});
