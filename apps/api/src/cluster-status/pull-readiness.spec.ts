import type { PullObservation, ResourceSetStatus } from '@berth/cluster';
import { AwaitingNamespace, pullVerdict } from './pull-readiness';

const ID_SHARD_0 = '00000000-0000-4000-8000-000000000000';
const ID_SHARD_1 = '00000001-0000-4000-8000-000000000000';

const ns = (over: Partial<AwaitingNamespace> = {}): AwaitingNamespace => ({
  id: ID_SHARD_0,
  name: 'web',
  state: 'Committed',
  commitSha: 'c1',
  requestId: 'r2',
  ...over,
});
const set = (over: Partial<ResourceSetStatus> = {}): ResourceSetStatus => ({
  name: 'berth',
  ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Reconciliation finished' },
  observedCurrentGeneration: true,
  lastAppliedRevision: 'sha256:abc',
  inventoryNamespaces: new Set(['web']),
  ...over,
});
const failed = (reason: string, message: string, name = 'berth') => set({ name, ready: { status: 'False', reason, message } });
const observed = (sets: ResourceSetStatus[], applied: Record<string, string | null> = { web: 'r2' }): PullObservation => ({
  resourceSets: sets,
  appliedRequests: new Map(Object.entries(applied)),
  quotaUsed: new Map(),
});

describe('pullVerdict: pull-mode readiness from the ResourceSets', () => {
  it('Ready when the ResourceSet is Ready for its current spec, owns the Namespace, and the cluster carries the current request', () => {
    expect(pullVerdict([ns()], observed([set()]), 1)).toMatchObject({ toReady: [{ id: ID_SHARD_0, commitSha: 'c1' }], toFail: [] });
  });

  it('not Ready while any of the three is missing: an older request applied, a stale generation, not in the inventory', () => {
    for (const [sets, applied] of [
      [[set()], { web: 'r1' }],
      [[set({ observedCurrentGeneration: false })], { web: 'r2' }],
      [[set({ inventoryNamespaces: new Set(['other']) })], { web: 'r2' }],
    ] as const) {
      expect(pullVerdict([ns()], observed([...sets], applied), 1)).toMatchObject({ toReady: [], toFail: [] });
    }
  });

  it('a ResourceSet without an inventory is not held against the namespace', () => {
    expect(pullVerdict([ns()], observed([set({ inventoryNamespaces: null })]), 1).toReady).toHaveLength(1);
  });

  it("asks the ResourceSet of the namespace's shard", () => {
    const sets = [set({ name: 'berth-0' }), failed('ReconciliationFailed', 'Namespace/api apply failed', 'berth-1')];
    const verdict = pullVerdict([ns(), ns({ id: ID_SHARD_1, name: 'api' })], observed(sets, { web: 'r2', api: null }), 2);
    expect(verdict.toReady.map((r) => r.id)).toEqual([ID_SHARD_0]);
    expect(verdict.toFail.map((r) => r.id)).toEqual([ID_SHARD_1]);
  });

  it('Failed only when the failure names the namespace (as a whole word) and is not a "not yet" reason', () => {
    const verdict = (rs: ResourceSetStatus) => pullVerdict([ns({ name: 'web' })], observed([rs], { web: 'r1' }), 1).toFail;
    expect(verdict(failed('ReconciliationFailed', 'ResourceQuota/web/berth-quota dry-run failed'))).toEqual([
      { id: ID_SHARD_0, commitSha: 'c1', reason: 'ReconciliationFailed: ResourceQuota/web/berth-quota dry-run failed' },
    ]);
    expect(verdict(failed('ReconciliationFailed', 'ResourceQuota/web-2/berth-quota dry-run failed'))).toEqual([]);
    expect(verdict(failed('Progressing', 'web is being applied'))).toEqual([]);
    expect(verdict(failed('DependencyNotReady', 'web waits'))).toEqual([]);
  });

  it('a build failure fails every namespace whose current state is not on the cluster, and none whose state is', () => {
    const broken = failed('BuildFailed', 'template error');
    expect(pullVerdict([ns()], observed([broken], { web: 'r1' }), 1).toFail).toHaveLength(1);
    expect(pullVerdict([ns()], observed([broken], { web: 'r2' }), 1).toFail).toEqual([]);
  });

  it('never fails a namespace that is not Committed (a Ready one stays Ready) or has no commit yet', () => {
    const broken = failed('BuildFailed', 'template error');
    expect(pullVerdict([ns({ state: 'Ready' })], observed([broken], { web: 'r1' }), 1).toFail).toEqual([]);
    expect(pullVerdict([ns({ commitSha: null })], observed([set()]), 1)).toMatchObject({ toReady: [], toFail: [] });
  });

  it('the cluster: Ready when every ResourceSet is, unknown while one has not reported; messages and revisions by set when sharded', () => {
    expect(pullVerdict([], observed([set()]), 1).cluster).toEqual({ ready: true, revision: 'sha256:abc', message: 'Reconciliation finished' });
    const a = set({ name: 'berth-0' });
    const b = set({ name: 'berth-1', ready: { status: 'False', reason: 'ReconciliationFailed', message: 'boom' }, lastAppliedRevision: null });
    expect(pullVerdict([], observed([a, b]), 2).cluster).toEqual({ ready: false, revision: 'berth-0: sha256:abc', message: 'berth-1: boom' });
    const silent = set({ name: 'berth-1', ready: null, lastAppliedRevision: null });
    expect(pullVerdict([], observed([a, silent]), 2).cluster).toMatchObject({
      ready: null,
      message: 'berth-1: Flux Operator has not reported a Ready condition yet',
    });
  });
});
