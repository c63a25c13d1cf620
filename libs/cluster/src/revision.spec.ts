import { parseKustomizationStatus, shaOfRevision } from './revision';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('shaOfRevision', () => {
  it.each([
    [`main@sha1:${SHA}`, SHA],
    [`refs/heads/main@sha1:${SHA.toUpperCase()}`, SHA],
    [`sha1:${SHA}`, SHA],
    [`main/${SHA}`, SHA],
    [SHA, SHA],
    ['main@sha256:' + 'a'.repeat(64), 'a'.repeat(64)],
    ['main@sha1:1234', null],
    ['', null],
    [null, null],
  ])('%s → %s', (revision, sha) => expect(shaOfRevision(revision)).toBe(sha));
});

describe('parseKustomizationStatus', () => {
  it('reads the Ready condition and revisions', () => {
    const status = parseKustomizationStatus({
      metadata: { generation: 2 },
      status: {
        observedGeneration: 2,
        lastAppliedRevision: `main@sha1:${SHA}`,
        lastAttemptedRevision: `main@sha1:${SHA}`,
        conditions: [
          { type: 'Reconciling', status: 'False' },
          { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed' },
        ],
      },
    });
    expect(status).toEqual({
      ready: { status: 'False', reason: 'BuildFailed', message: 'kustomize build failed' },
      lastAppliedRevision: `main@sha1:${SHA}`,
      lastAttemptedRevision: `main@sha1:${SHA}`,
      observedCurrentGeneration: true,
    });
  });

  it('tolerates garbage', () => {
    expect(parseKustomizationStatus(null)).toEqual({ ready: null, lastAppliedRevision: null, lastAttemptedRevision: null, observedCurrentGeneration: true });
    expect(parseKustomizationStatus({ status: { conditions: 'x', lastAppliedRevision: 3 } }).lastAppliedRevision).toBeNull();
    expect(parseKustomizationStatus({ status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } }).ready).toBeNull();
  });
});
