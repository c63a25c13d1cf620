/**
 * Policy engine throughput: one tenant with 500 namespaces.
 *   node -r @swc-node/register bench/policy.bench.ts [decisions]
 * Prints decisions/s for (a) prepared namespaces (totals computed once, the fast path), (b) the
 * summary the API builds from the database's ledger totals (count, totals, the namespace named) and
 * (c) raw namespaces (every decision parses and sums all 500), against a baseline that only copies
 * the snapshot the same number of times.
 */
import { evaluate, prepareNamespaces, summarizeNamespaces, type NamespaceUsage, type PolicySnapshot, type Tier } from '@berth/policy';

const N = Number(process.argv[2] ?? 200_000);
const NAMESPACES = 500;

const tiers: Tier[] = [
  { name: 'small', resources: { 'requests.cpu': '1', 'limits.cpu': '2', 'requests.memory': '1Gi', 'limits.memory': '2Gi', pods: '20' }, autoApprove: true },
  { name: 'medium', resources: { 'requests.cpu': '2', 'limits.cpu': '4', 'requests.memory': '4Gi', 'limits.memory': '8Gi', pods: '50' }, autoApprove: true },
  {
    name: 'large',
    resources: { 'requests.cpu': '8', 'limits.cpu': '16', 'requests.memory': '16Gi', 'limits.memory': '32Gi', pods: '100' },
    autoApprove: false,
  },
];
const namespaces: NamespaceUsage[] = Array.from({ length: NAMESPACES }, (_, i) => ({
  name: `acme-ns-${i}`,
  cluster: 'prod-1',
  resources: {
    'requests.cpu': `${250 + (i % 8) * 250}m`,
    'limits.cpu': `${(i % 4) + 1}`,
    'requests.memory': `${512 * ((i % 6) + 1)}Mi`,
    'limits.memory': `${(i % 6) + 1}Gi`,
    pods: `${10 + (i % 5)}`,
    'requests.storage': `${(i % 10) + 1}Gi`,
  },
  labels: i % 50 === 0 ? { 'berth.dev/protected': 'true' } : ({} as Record<string, string>),
}));
const takenNames = new Set(namespaces.map((n) => n.name));

const base: PolicySnapshot = {
  tenant: {
    name: 'acme',
    budget: { 'requests.cpu': '1000', 'limits.cpu': '2000', 'requests.memory': '2Ti', 'limits.memory': '4Ti', pods: '10k', 'requests.storage': '10Ti' },
    budgetNamespaces: 1000,
    allowedClusters: ['prod-1'],
    allowedTiers: ['small', 'medium', 'large'],
  },
  tiers,
  cluster: { name: 'prod-1', labels: { env: 'prod' } },
  namespaces,
  takenNames,
  request: {
    kind: 'Create',
    name: 'acme-new',
    cluster: 'prod-1',
    resources: { 'requests.cpu': '1500m', 'limits.cpu': '3', 'requests.memory': '2Gi', 'limits.memory': '6Gi', pods: '30' },
    labels: { team: 'payments', 'example.com/cost-center': 'cc-42' },
    access: [{ subject: { kind: 'Group', name: 'payments-devs' }, role: 'edit' }],
    networkPolicy: 'tenant',
    ttl: '72h',
  },
};
const prepared: PolicySnapshot = { ...base, namespaces: prepareNamespaces(namespaces) };

/** A mix of requests: Create (tier / explicit / over tier), Change, Delete. */
const requests: PolicySnapshot['request'][] = [
  base.request,
  { kind: 'Create', name: 'acme-tiered', cluster: 'prod-1', tier: 'medium' },
  { kind: 'Create', name: 'acme-big', cluster: 'prod-1', resources: { 'requests.cpu': '12', 'limits.memory': '48Gi' } },
  { kind: 'Change', name: 'acme-ns-7', cluster: 'prod-1', resources: { 'requests.cpu': '2', 'limits.memory': '8Gi' } },
  { kind: 'Delete', name: 'acme-ns-50', cluster: 'prod-1' },
];

function time(label: string, n: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (fn(i)) sink++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = n / seconds;
  console.log(`${label.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} ops/s  (${n} in ${seconds.toFixed(3)} s, ${sink} truthy)`);
  return rate;
}

console.log(`policy bench: 1 tenant, ${NAMESPACES} namespaces, ${requests.length} request shapes, node ${process.version}`);
const outcomes = requests.map((request) => evaluate({ ...prepared, request }).outcome);
console.log(`outcomes per shape: ${outcomes.join(', ')}`);

const fast = time('evaluate, prepared namespaces', N, (i) => evaluate({ ...prepared, request: requests[i % requests.length] }));
// What the API does per decision: the ledger's totals and the one namespace named, never the list.
const summaries = requests.map((request) => ({ ...base, namespaces: summarizeNamespaces(namespaces, request), request }));
const summary = time('evaluate, namespace summary (as the API)', N, (i) => evaluate(summaries[i % summaries.length]));
const coldN = Math.max(1, Math.floor(N / 20));
const cold = time('evaluate, raw namespaces (sum per decision)', coldN, (i) => evaluate({ ...base, request: requests[i % requests.length] }));
const spread = time('baseline: spread snapshot + arrays', N, (i) => ({
  ...base,
  namespaces: [...namespaces],
  tiers: [...tiers],
  request: requests[i % requests.length],
}));
const clone = time('baseline: structuredClone(snapshot)', coldN, () => structuredClone(base));

console.log('');
console.log(`decisions/s (prepared):   ${Math.round(fast).toLocaleString('en-US')}   target >= 50,000: ${fast >= 50_000 ? 'PASS' : 'FAIL'}`);
console.log(`decisions/s (summary):    ${Math.round(summary).toLocaleString('en-US')}   target >= 50,000: ${summary >= 50_000 ? 'PASS' : 'FAIL'}`);
console.log(`decisions/s (raw):        ${Math.round(cold).toLocaleString('en-US')}`);
console.log(`baseline spread ops/s:    ${Math.round(spread).toLocaleString('en-US')}   ratio prepared/baseline: ${(fast / spread).toFixed(2)}`);
console.log(
  `baseline clone ops/s:     ${Math.round(clone).toLocaleString('en-US')}   ratio prepared/clone: ${(fast / clone).toFixed(2)}  raw/clone: ${(cold / clone).toFixed(2)}`,
);
