import type { BerthConfig } from '@berth/config';
import { MembershipCache } from './membership-cache';

const cacheFor = (cacheSeconds: number) => new MembershipCache({ auth: { cacheSeconds } } as BerthConfig);
/** A loader that counts its calls. */
const counting = <T>(value: T) => jest.fn(async () => value);

describe('MembershipCache: tenant lookups by name', () => {
  it('loads a known tenant once within the TTL', async () => {
    const cache = cacheFor(5);
    const load = counting({ id: 'a', name: 'x' });
    expect(await cache.tenant('x', load)).toEqual({ id: 'a', name: 'x' });
    expect(await cache.tenant('x', load)).toEqual({ id: 'a', name: 'x' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('never remembers an unknown name (a tenant created elsewhere is found at once)', async () => {
    const cache = cacheFor(5);
    const missing = counting(null);
    await cache.tenant('x', missing);
    await cache.tenant('x', missing);
    expect(missing).toHaveBeenCalledTimes(2);
  });

  it('forgets tenants and roles together on clear() (tenant or membership changed in this process)', async () => {
    const cache = cacheFor(5);
    const tenant = counting({ id: 'a', name: 'x' });
    const roles = counting([{ tenantId: 'a', tenantName: 'x', role: 'viewer' as const }]);
    await cache.tenant('x', tenant);
    await cache.get('u', [], roles);
    cache.clear();
    await cache.tenant('x', tenant);
    await cache.get('u', [], roles);
    expect(tenant).toHaveBeenCalledTimes(2);
    expect(roles).toHaveBeenCalledTimes(2);
  });

  it('caches nothing with BERTH_AUTHZ_CACHE_SECONDS=0', async () => {
    const cache = cacheFor(0);
    const load = counting({ id: 'a', name: 'x' });
    await cache.tenant('x', load);
    await cache.tenant('x', load);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
