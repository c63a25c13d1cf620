import fc from 'fast-check';
import { evaluate } from './evaluate';
import { summarizeNamespaces } from './resources';
import { NAMESPACES, snapshot } from './testing/fixtures';
import type { NamespaceRequest, NamespaceUsage, PolicySnapshot } from './types';

/**
 * A ledger's aggregates (count, totals, the namespace named) decide exactly as the whole list does:
 * same outcome, same reasons, same `used X of Y` figures, for every kind of request.
 */
const cpu = fc.integer({ min: 0, max: 9000 }).map((m) => `${m}m`);
const memory = fc.integer({ min: 0, max: 64 * 1024 }).map((mi) => `${mi}Mi`);
const resources = fc.record({ 'requests.cpu': cpu, cpu, 'limits.memory': memory }, { requiredKeys: [] });
const labels = fc.option(fc.constant({ 'berth.dev/protected': 'true' }), { nil: undefined });
const namespace = (i: number) =>
  fc.record({ cluster: fc.constantFrom('prod-1', 'prod-2'), resources, labels }).map((n): NamespaceUsage => ({ name: `acme-n${i}`, ...n }));
const namespaces = fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => namespace(i))));

const request = fc.record({
  kind: fc.constantFrom<NamespaceRequest['kind']>('Create', 'Change', 'Delete'),
  name: fc.oneof(
    fc.constant('acme-new'),
    fc.integer({ min: 0, max: 12 }).map((i) => `acme-n${i}`),
  ),
  cluster: fc.constantFrom('prod-1', 'prod-2'),
  spec: fc.oneof(fc.record({ tier: fc.constantFrom('small', 'medium', 'large', 'gpu') }), fc.record({ resources })),
  keepResources: fc.boolean(),
});

describe('namespace summary (property)', () => {
  it('decides exactly as the list it summarises', () => {
    fc.assert(
      fc.property(namespaces, request, fc.option(fc.integer({ min: 0, max: 14 }), { nil: null }), (list, r, max) => {
        const ask: Partial<NamespaceRequest> = { kind: r.kind, name: r.name, cluster: r.cluster, tier: undefined, ...r.spec, keepResources: r.keepResources };
        const base = snapshot(ask);
        const withList: PolicySnapshot = {
          ...base,
          tenant: { ...base.tenant, allowedClusters: ['prod-1', 'prod-2'], budgetNamespaces: max },
          namespaces: list,
          takenNames: [],
        };
        const withSummary: PolicySnapshot = { ...withList, namespaces: summarizeNamespaces(list, r) };
        expect(evaluate(withSummary)).toEqual(evaluate(withList));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the precise reasons of the fixtures (used X of Y)', () => {
    const list = snapshot({ tier: 'medium', name: 'acme-web' }, { tenant: { ...snapshot().tenant, budget: { 'limits.memory': '44Gi' } } });
    const summary = { ...list, namespaces: summarizeNamespaces(NAMESPACES, list.request) };
    const decision = evaluate(summary);
    expect(decision).toEqual(evaluate(list));
    expect(decision.reasons.map((x) => x.message)).toEqual(['limits.memory 8Gi exceeds budget: used 40Gi of 44Gi']);
  });
});
