import { toBerthConfig, validateEnv } from '@berth/config';
import { consoleCsp } from '../common/http-security';
import { ConsoleService } from './console.service';

const configWith = (env: Record<string, string>) => toBerthConfig(validateEnv({ ...env }));

describe('console CSP and config.json', () => {
  it('connects to the API only, without OIDC; no inline scripts or styles, no framing', () => {
    const config = configWith({});
    expect(consoleCsp(config)).toEqual({
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    });
    expect(new ConsoleService(config).settings()).toEqual({ oidc: null });
  });

  it('with an issuer and a console client id: the issuer’s origin may be fetched (discovery, token endpoint)', () => {
    const config = configWith({ BERTH_OIDC_ISSUER: 'https://login.example.com/realms/berth', BERTH_CONSOLE_OIDC_CLIENT_ID: 'berth-console' });
    expect(consoleCsp(config).connectSrc).toEqual(["'self'", 'https://login.example.com']);
    expect(new ConsoleService(config).settings()).toEqual({
      oidc: { issuer: 'https://login.example.com/realms/berth', clientId: 'berth-console', scope: 'openid profile email' },
    });
  });

  it('an issuer without a console client id keeps the console on API keys', () => {
    const config = configWith({ BERTH_OIDC_ISSUER: 'https://login.example.com' });
    expect(consoleCsp(config).connectSrc).toEqual(["'self'"]);
    expect(new ConsoleService(config).settings()).toEqual({ oidc: null });
  });
});
