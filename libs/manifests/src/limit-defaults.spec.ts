import { parseAllDocuments } from 'yaml';
import { parseQuantity } from '@berth/quantities';
import { renderNamespace, type NamespaceSpec } from '.';
import { baseNamespace } from '../test/fixtures';

function limits(spec: NamespaceSpec): Record<string, Record<string, string>> | undefined {
  const file = renderNamespace(spec)['limitrange.yaml'];
  return file ? parseAllDocuments(file)[0]!.toJSON().spec.limits[0] : undefined;
}

/**
 * Kubernetes' ResourceQuota admission (pkg/quota/v1/evaluator/core/pods.go, podEvaluator.Constraints): when a
 * quota limits cpu/memory/requests.cpu/requests.memory/limits.cpu/limits.memory, every container must carry that
 * request or limit, else the pod is refused with "must specify …". The LimitRanger admission plugin runs first
 * and fills `defaultRequest` into requests and `default` into limits (and an unset request from the limit), so
 * a namespace admits plain pods only if its LimitRange covers every quota'd compute key.
 */
describe('LimitRange defaults for quota on compute keys', () => {
  it('derives defaults for every quota-limited compute key when the tier gives none (a tenth of the quota)', () => {
    // baseNamespace: requests.cpu 2, requests.memory 4Gi, limits.cpu 4, limits.memory 8Gi, pods 20
    expect(limits(baseNamespace)).toEqual({
      type: 'Container',
      defaultRequest: { cpu: '200m', memory: '409Mi' },
      default: { cpu: '400m', memory: '819Mi' },
    });
  });

  it('treats the bare keys cpu/memory as requests (ResourceQuota aliases them)', () => {
    expect(limits({ ...baseNamespace, resources: { cpu: '1', memory: '1Gi' } })).toEqual({
      type: 'Container',
      defaultRequest: { cpu: '100m', memory: '102Mi' },
    });
  });

  it('renders no LimitRange when nothing quota-limited needs a default', () => {
    expect(limits({ ...baseNamespace, resources: { pods: '10', 'requests.storage': '10Gi' } })).toBeUndefined();
  });

  it('keeps what the tier sets; a tier default covers requests too (LimitRanger copies the limit into an unset request)', () => {
    const got = limits({ ...baseNamespace, limitRange: { default: { cpu: '300m' }, defaultRequest: { memory: '64Mi' } } });
    expect(got).toEqual({
      type: 'Container',
      default: { cpu: '300m', memory: '819Mi' },
      defaultRequest: { memory: '64Mi' },
    });
  });

  it('never derives a default above max, below min, nor a request above its limit', () => {
    const got = limits({
      ...baseNamespace,
      resources: { 'requests.cpu': '10', 'limits.cpu': '2', 'requests.memory': '1Gi' },
      limitRange: { max: { cpu: '150m' }, min: { memory: '256Mi' } },
    })!;
    expect(got.default).toEqual({ cpu: '150m' }); // 2/10 = 200m, capped at max
    expect(got.defaultRequest).toEqual({ cpu: '150m', memory: '256Mi' }); // 1 capped by the limit; 102Mi raised to min
  });

  it('a derived default never equals the whole quota, even for tiny quotas; a zero quota gets none', () => {
    for (const q of ['1m', '2m', '9m', '10m', '1', '1Mi', '5', '1Ki', '3']) {
      const got = limits({ ...baseNamespace, resources: { 'limits.cpu': q, 'limits.memory': q } });
      for (const key of ['cpu', 'memory']) {
        const value = got?.default?.[key];
        if (value !== undefined) expect(parseQuantity(value)).toBeLessThan(parseQuantity(q));
      }
    }
    expect(limits({ ...baseNamespace, resources: { 'limits.cpu': '1m' } })).toBeUndefined();
    expect(limits({ ...baseNamespace, resources: { 'limits.cpu': '0' } })).toBeUndefined();
  });
});
