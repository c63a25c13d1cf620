import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertAddressAllowed, ForbiddenDestinationError, resolveDestination } from './destination';
import { filtersMatching, isEventFilter } from './event-types';
import { signWebhook, webhookHeaders } from './signature';
import { postWebhook } from './transport';

const NONE = { allowedHosts: [] };

describe('Standard Webhooks signature', () => {
  it("matches the specification's reference vector", () => {
    const body = '{"test": 2432232314}';
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('lists one signature per valid secret, space separated', () => {
    const headers = webhookHeaders(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_' + Buffer.alloc(32, 7).toString('base64')], 'msg_1', 1, '{}');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers).toMatchObject({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1' });
  });
});

describe('event filters', () => {
  it('accepts known types and resource wildcards only', () => {
    expect(['*', 'namespace.*', 'preview.*', 'namespace-request.approved'].every(isEventFilter)).toBe(true);
    expect(['namespace.exploded', 'foo.*', 'namespace', ''].some(isEventFilter)).toBe(false);
  });

  it('matches wildcards without crossing resources (namespace.* is not namespace-request.*)', () => {
    expect(filtersMatching('namespace.ready')).toEqual(['namespace.ready', 'namespace.*', '*']);
    expect(filtersMatching('namespace-request.created')).toEqual(['namespace-request.created', 'namespace-request.*', '*']);
    expect(filtersMatching('namespace-request.created')).not.toContain('namespace.*');
  });
});

describe('destination guard (SSRF)', () => {
  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['172.16.0.1'],
    ['192.168.0.1'],
    ['169.254.169.254'],
    ['100.64.0.1'],
    ['224.0.0.1'],
    ['0.0.0.0'],
    ['255.255.255.255'],
    ['::1'],
    ['::'],
    ['fe80::1'],
    ['fd00::1'],
    ['ff02::1'],
    ['::ffff:10.0.0.1'],
    ['::ffff:169.254.169.254'],
  ])('refuses %s', (address) => {
    expect(() => assertAddressAllowed(NONE, 'h', address)).toThrow(ForbiddenDestinationError);
  });

  it.each([['93.184.215.14'], ['2606:4700::6810:84e5']])('allows public %s', (address) => {
    expect(() => assertAddressAllowed(NONE, 'h', address)).not.toThrow();
  });

  it('lets the allowlist name a host, an address or a CIDR range', () => {
    expect(() => assertAddressAllowed({ allowedHosts: ['hooks.internal'] }, 'hooks.internal', '10.0.0.5')).not.toThrow();
    expect(() => assertAddressAllowed({ allowedHosts: ['10.0.0.0/24'] }, 'x', '10.0.0.5')).not.toThrow();
    expect(() => assertAddressAllowed({ allowedHosts: ['10.0.0.0/24'] }, 'x', '::ffff:10.0.0.5')).not.toThrow();
    expect(() => assertAddressAllowed({ allowedHosts: ['10.0.0.0/24'] }, 'x', '10.0.1.5')).toThrow(ForbiddenDestinationError);
    expect(() => assertAddressAllowed({ allowedHosts: ['fd00::/8'] }, 'x', 'fd12::1')).not.toThrow();
  });

  it('checks what a host name resolves to, and only http(s)', async () => {
    await expect(resolveDestination(NONE, 'http://localhost/x')).rejects.toThrow(/loopback/);
    await expect(resolveDestination(NONE, 'file:///etc/passwd')).rejects.toThrow(/only http and https/);
    await expect(resolveDestination(NONE, 'http://user:pw@example.com/')).rejects.toThrow(/credentials/);
  });

  it('re-checks at delivery time: a destination no longer allowed is not contacted', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      expect(await postWebhook({ allowedHosts: ['127.0.0.1'] }, url, {}, '{}')).toMatchObject({ ok: true, statusCode: 200 });
      const refused = await postWebhook(NONE, url, {}, '{}');
      expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('loopback') });
      expect(refused.statusCode).toBeUndefined();
      expect(hits).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up on a receiver that does not answer within 5 s', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const result = await postWebhook({ allowedHosts: ['127.0.0.1'] }, url, {}, '{}');
      expect(result).toMatchObject({ ok: false, error: 'timed out after 5000 ms' });
      expect(result.durationMs).toBeGreaterThanOrEqual(4900);
      expect(result.durationMs).toBeLessThan(6000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 10_000);

  it('does not follow redirects', async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      expect(await postWebhook({ allowedHosts: ['127.0.0.1'] }, url, {}, '{}')).toMatchObject({ ok: false, statusCode: 302 });
      expect(hits).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
