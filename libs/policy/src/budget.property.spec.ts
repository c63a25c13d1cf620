import fc from 'fast-check';
import { parseQuantity } from '@berth/quantities';
import { evaluate } from './evaluate';
import { TIERS } from './testing/fixtures';
import type { NamespaceRequest, NamespaceUsage, PolicySnapshot } from './types';

/** A milli-unit amount written in one of several equivalent spellings. */
const cpu = fc.tuple(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 0, max: 3 })).map(([m, style]) => {
  if (style === 0) return `${m}m`;
  if (style === 1) return `${Math.floor(m / 1000)}.${String(m % 1000).padStart(3, '0')}`;
  if (style === 2) return `${m}e-3`;
  return `${m * 1_000_000}n`;
});
const memory = fc.tuple(fc.integer({ min: 0, max: 20 * 1024 }), fc.boolean()).map(([mi, bytes]) => (bytes ? `${mi * 1024 * 1024}` : `${mi}Mi`));

const request = fc.oneof(
  fc.record({ tier: fc.constantFrom('small', 'medium', 'large') }),
  fc.record({ resources: fc.record({ 'requests.cpu': cpu, 'limits.memory': memory }, { requiredKeys: ['requests.cpu'] }) }),
  fc.record({ change: fc.nat(), resources: fc.record({ cpu, 'limits.memory': memory }) }),
);

describe('budget (property)', () => {
  it('requests approved one after another never exceed the budget', () => {
    fc.assert(
      fc.property(
        fc.record({ cpu: fc.integer({ min: 0, max: 20_000 }), memGi: fc.integer({ min: 0, max: 64 }), count: fc.option(fc.integer({ min: 0, max: 12 })) }),
        fc.array(request, { maxLength: 25 }),
        (budget, requests) => {
          const tenant = {
            name: 'acme',
            budget: { 'requests.cpu': `${budget.cpu}m`, 'limits.memory': `${budget.memGi}Gi` },
            budgetNamespaces: budget.count,
            allowedClusters: ['c1'],
            allowedTiers: ['small', 'medium', 'large'],
          };
          let namespaces: NamespaceUsage[] = [];
          requests.forEach((req, i) => {
            const target = 'change' in req && namespaces.length > 0 ? namespaces[req.change % namespaces.length] : undefined;
            const r: NamespaceRequest = {
              kind: target ? 'Change' : 'Create',
              name: target ? target.name : `acme-ns${i}`,
              cluster: 'c1',
              ...('tier' in req ? { tier: req.tier } : { resources: req.resources }),
            };
            const s: PolicySnapshot = { tenant, tiers: TIERS, cluster: { name: 'c1', labels: {} }, namespaces, takenNames: [], request: r };
            const d = evaluate(s);
            if (d.outcome === 'deny') return; // approvals (automatic or by an admin) are committed
            const resources = 'tier' in req ? TIERS.find((t) => t.name === req.tier)!.resources : req.resources;
            const ns = { name: r.name, cluster: 'c1', resources };
            namespaces = target ? namespaces.map((n) => (n === target ? ns : n)) : [...namespaces, ns];
          });
          // Independent exact check (not the engine's own sum).
          const sum = (keys: string[]) =>
            namespaces.reduce((acc, n) => acc + keys.reduce((a, k) => a + (n.resources[k] ? parseQuantity(n.resources[k]) : 0n), 0n), 0n);
          expect(sum(['requests.cpu', 'cpu'])).toBeLessThanOrEqual(parseQuantity(tenant.budget['requests.cpu']));
          expect(sum(['limits.memory'])).toBeLessThanOrEqual(parseQuantity(tenant.budget['limits.memory']));
          if (budget.count !== null) expect(namespaces.length).toBeLessThanOrEqual(budget.count);
        },
      ),
      { numRuns: 300 },
    );
  });
});
