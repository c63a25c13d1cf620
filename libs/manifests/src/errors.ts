/**
 * Thrown when an object Berth is about to write would be rejected by Kubernetes or Flux (or is unsafe).
 * `object` names the object (`ResourceQuota acme-dev/berth-quota`), `field` the offending path (`spec.hard.cpu`).
 */
export class ManifestValidationError extends Error {
  override readonly name = 'ManifestValidationError';

  constructor(
    readonly object: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${object}: ${field}: ${reason}`);
  }
}
