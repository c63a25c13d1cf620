import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';

const explicit = (resources: Record<string, string>) => snapshot({ tier: undefined, resources });

describe('tier', () => {
  it.each<[string, Parameters<typeof snapshot>[0], string, string[]]>([
    ['auto-approving tier', { tier: 'medium' }, 'approve', []],
    ['tier requiring approval', { tier: 'large' }, 'needs-approval', ['tier.requires-approval']],
    ['unknown tier', { tier: 'huge' }, 'deny', ['tier.unknown']],
    ['existing tier not allowed', { tier: 'gpu' }, 'deny', ['tier.not-allowed']],
    ['neither tier nor resources', { tier: undefined }, 'deny', ['resources.missing']],
    ['empty resources count as none', { tier: undefined, resources: {} }, 'deny', ['resources.missing']],
    ['both tier and resources', { tier: 'small', resources: { 'requests.cpu': '1' } }, 'deny', ['resources.missing']],
  ])('%s', (_, request, outcome, expected) => {
    const d = evaluate(snapshot(request));
    expect(d.outcome).toBe(outcome);
    expect(codes(d)).toEqual(expected);
  });
});

describe('explicit resources', () => {
  it.each<[string, Record<string, string>, string, string[]]>([
    ['fits small exactly', { 'requests.cpu': '1', 'limits.memory': '2Gi' }, 'approve', []],
    ['fits small, 0.5 == 500m', { 'requests.cpu': '0.5' }, 'approve', []],
    ['fits small, bytes == 2Gi', { 'limits.memory': '2147483648' }, 'approve', []],
    ['fits medium, 1e9 bytes', { 'requests.cpu': '1.5', 'limits.memory': '1e9' }, 'approve', []],
    ['cpu alias fits', { cpu: '1500m' }, 'approve', []],
    ['storage needs medium', { 'requests.storage': '20Gi' }, 'approve', []],
    ['only large fits → approval', { 'requests.cpu': '3' }, 'needs-approval', ['tier.requires-approval']],
    ['above every tier', { 'requests.storage': '50Gi' }, 'needs-approval', ['resources.exceeds-tier']],
    ['above every tier and the budget', { 'limits.memory': '17Gi' }, 'deny', ['resources.exceeds-tier', 'budget.exceeded']],
    ['key no allowed tier grants', { 'requests.nvidia.com/gpu': '1' }, 'needs-approval', ['resources.exceeds-tier']],
    ['unknown key', { 'requests.gpu': '1' }, 'deny', ['resources.unknown-key']],
    ['K is not a suffix', { 'limits.memory': '1K' }, 'deny', ['resources.invalid-quantity']],
    ['negative', { 'requests.cpu': '-1' }, 'deny', ['resources.invalid-quantity']],
    ['1GB', { 'limits.memory': '1GB' }, 'deny', ['resources.invalid-quantity']],
    ['duplicate via alias', { cpu: '1', 'requests.cpu': '1' }, 'deny', ['resources.duplicate-key']],
    ['count/ key', { 'count/deployments.apps': '5' }, 'needs-approval', ['resources.exceeds-tier']],
  ])('%s', (_, resources, outcome, expected) => {
    const d = evaluate(explicit(resources));
    expect(codes(d)).toEqual(expected);
    expect(d.outcome).toBe(outcome);
  });

  it.each([
    'requests.cpu',
    'limits.ephemeral-storage',
    'services.loadbalancers',
    'count/deployments.apps',
    'count/widgets.example.com',
    'count/secrets',
    'gold.storageclass.storage.k8s.io/requests.storage',
    'gold.storageclass.storage.k8s.io/persistentvolumeclaims',
    'requests.nvidia.com/gpu',
    'requests.hugepages-2Mi',
  ])('knows %s', (key) => {
    expect(codes(evaluate(explicit({ [key]: '1' }))).filter((c) => c.startsWith('resources.unknown'))).toEqual([]);
  });

  it.each(['limits.nvidia.com/gpu', 'requests.kubernetes.io/foo', 'nvidia.com/gpu', 'gold.storageclass.storage.k8s.io/limits.storage', 'foo'])(
    'rejects %s',
    (key) => {
      expect(codes(evaluate(explicit({ [key]: '1' })))).toEqual(['resources.unknown-key']);
    },
  );

  it('explains the excess against the closest tier', () => {
    // medium is closest: cpu 3 vs 2 (+50%), storage 30Gi vs 20Gi (+50%); small and large grant no storage.
    const d = evaluate(explicit({ 'requests.cpu': '3', 'requests.storage': '30Gi' }), {});
    expect(d.outcome).toBe('needs-approval');
    expect(d.reasons).toEqual([
      expect.objectContaining({ field: 'resources.requests.cpu', limit: '2', requested: '3', message: 'requests.cpu 3 exceeds the closest tier "medium" (2)' }),
      expect.objectContaining({ field: 'resources.requests.storage', limit: '20Gi', requested: '30Gi' }),
    ]);
  });

  it('without any allowed tier, explicit resources need approval', () => {
    const base = explicit({ 'requests.cpu': '1' });
    const d = evaluate({ ...base, tenant: { ...base.tenant, allowedTiers: [] } });
    expect(codes(d)).toEqual(['resources.exceeds-tier']);
  });
});
