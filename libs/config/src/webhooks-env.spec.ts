import { toBerthConfig } from './berth-config';
import { validateEnv } from './env.schema';

describe('webhook settings (env)', () => {
  it('default to no allowlist, 10 attempts and a 10 s first retry', () => {
    expect(toBerthConfig(validateEnv({})).webhooks).toEqual({ allowedHosts: [], maxAttempts: 10, retryBaseSeconds: 10 });
  });

  it('read the allowlist as host names, addresses and CIDR ranges', () => {
    const env = validateEnv({ BERTH_WEBHOOK_ALLOWED_HOSTS: 'hooks.internal, 10.0.0.0/8,fd00::/8, 127.0.0.2', BERTH_WEBHOOK_RETRY_BASE_SECONDS: '0.5' });
    expect(toBerthConfig(env).webhooks).toMatchObject({ allowedHosts: ['hooks.internal', '10.0.0.0/8', 'fd00::/8', '127.0.0.2'], retryBaseSeconds: 0.5 });
  });

  it.each(['10.0.0.0/33', 'http://x', 'a b', '*.example.com'])('refuse the allowlist entry %p, naming the variable', (value) => {
    expect(() => validateEnv({ BERTH_WEBHOOK_ALLOWED_HOSTS: value })).toThrow(/BERTH_WEBHOOK_ALLOWED_HOSTS/);
  });

  it.each([
    ['BERTH_WEBHOOK_MAX_ATTEMPTS', '0'],
    ['BERTH_WEBHOOK_MAX_ATTEMPTS', '2.5'],
    ['BERTH_WEBHOOK_RETRY_BASE_SECONDS', '0'],
    ['BERTH_WEBHOOK_RETRY_BASE_SECONDS', 'soon'],
  ])('refuse %s=%p', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(name));
  });
});
