import { toBerthConfig } from './berth-config';
import { validateEnv } from './env.schema';

describe('fleet writer intervals (env)', () => {
  it('default to a 30 s sweep and a 60 s backoff cap', () => {
    expect(toBerthConfig(validateEnv({})).fleet).toMatchObject({ sweepIntervalSeconds: 30, retryMaxSeconds: 60 });
  });

  it('accept whole seconds from 1 to 3600', () => {
    const fleet = toBerthConfig(validateEnv({ BERTH_FLEET_SWEEP_INTERVAL_SECONDS: '1', BERTH_FLEET_RETRY_MAX_SECONDS: '3600' })).fleet;
    expect(fleet).toMatchObject({ sweepIntervalSeconds: 1, retryMaxSeconds: 3600 });
  });

  it.each(['0', '-5', '3601', '1.5', 'soon'])('refuse %p, naming the variable', (value) => {
    for (const name of ['BERTH_FLEET_SWEEP_INTERVAL_SECONDS', 'BERTH_FLEET_RETRY_MAX_SECONDS']) {
      expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(`${name}:`));
    }
  });
});
