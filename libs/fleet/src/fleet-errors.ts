import { DomainError } from '@berth/common';
import { FleetConflictError, FleetRemoteError } from '@berth/gitops';

/** The remote being down or racing: transient, nothing lost, retried later. */
export function isTransient(error: unknown): boolean {
  return error instanceof FleetRemoteError || error instanceof FleetConflictError;
}

/** The fleet repository's remote being down is not the caller's fault, nor ours: 503, retry later. */
export async function unreachableAs503<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTransient(error)) {
      throw new DomainError(503, `The fleet repository cannot be reached: ${(error as Error).message}`, [
        { code: 'fleet-unreachable', message: (error as Error).message },
      ]);
    }
    throw error;
  }
}
