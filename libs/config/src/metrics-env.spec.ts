import { toBerthConfig, validateEnv } from './index';

describe('metrics settings (BERTH_METRICS_PORT, BERTH_METRICS_TOKEN_FILE)', () => {
  it('leaves /metrics on the API port and open by default', () => {
    expect(toBerthConfig(validateEnv({})).metrics).toEqual({ port: undefined, tokenFile: undefined });
  });

  it('reads a separate port (0: any free one) and a token file', () => {
    expect(toBerthConfig(validateEnv({ BERTH_METRICS_PORT: '9464', BERTH_METRICS_TOKEN_FILE: '/run/secrets/metrics/token' })).metrics).toEqual({
      port: 9464,
      tokenFile: '/run/secrets/metrics/token',
    });
    expect(toBerthConfig(validateEnv({ BERTH_METRICS_PORT: '0' })).metrics.port).toBe(0);
  });

  it.each(['metrics', '65536', '-1', '94.64'])('refuses BERTH_METRICS_PORT=%s naming the variable', (value) => {
    expect(() => validateEnv({ BERTH_METRICS_PORT: value })).toThrow(/BERTH_METRICS_PORT must be a port number/);
  });
});
