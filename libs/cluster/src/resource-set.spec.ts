import { parseResourceSetStatus } from './resource-set';

/** A ResourceSet as Flux Operator writes it (api/v1 resourceset_types.go, ResourceInventory in fluxinstance_types.go). */
const object = {
  apiVersion: 'fluxcd.controlplane.io/v1',
  kind: 'ResourceSet',
  metadata: { name: 'berth', namespace: 'flux-system', generation: 2 },
  status: {
    conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Reconciliation finished in 2s', observedGeneration: 2 }],
    inventory: {
      entries: [
        { id: '_payments-api__Namespace', v: 'v1' },
        { id: 'payments-api_berth-quota__ResourceQuota', v: 'v1' },
        { id: 'payments-api_berth-access-1a2b3c4d_rbac.authorization.k8s.io_RoleBinding', v: 'v1' },
        { id: '_web__Namespace', v: 'v1' },
      ],
    },
    lastAppliedRevision: 'sha256:4f1a…',
    history: [{ digest: 'sha256:4f1a…', lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 3 }],
  },
};

describe('parseResourceSetStatus', () => {
  it('reads Ready, its generation, the applied digest and the Namespaces of the inventory', () => {
    expect(parseResourceSetStatus('berth', object)).toEqual({
      name: 'berth',
      ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Reconciliation finished in 2s' },
      observedCurrentGeneration: true,
      lastAppliedRevision: 'sha256:4f1a…',
      inventoryNamespaces: new Set(['payments-api', 'web']),
    });
  });

  it('a Ready condition of an older generation is not about the current spec; no inventory is null, not empty', () => {
    const stale = { ...object, metadata: { ...object.metadata, generation: 3 }, status: { conditions: object.status.conditions } };
    expect(parseResourceSetStatus('berth', stale)).toMatchObject({ observedCurrentGeneration: false, inventoryNamespaces: null, lastAppliedRevision: null });
  });

  it('untrusted JSON: no status, odd types', () => {
    expect(parseResourceSetStatus('x', null)).toEqual({
      name: 'x',
      ready: null,
      observedCurrentGeneration: true,
      lastAppliedRevision: null,
      inventoryNamespaces: null,
    });
    expect(parseResourceSetStatus('x', { status: { conditions: 'no', inventory: { entries: [{ id: 5 }, null] } } }).inventoryNamespaces).toEqual(new Set());
  });
});
