import { registerDecorator, ValidationOptions } from 'class-validator';
import { isSyncRepoPathMap, MAX_SYNC_PATH_LENGTH, syncRepoFluxPath } from '@berth/manifests';

// The renderer's own rule (syncRepoFluxPath), so the API never stores a path the fleet writer cannot render.
function define(name: string, test: (value: unknown) => boolean, message: string, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({ name, target: object.constructor, propertyName, options: { message, ...options }, validator: { validate: test } });
}

/** A folder of the repository: `''`/`./` is its root; letters, digits, `.`, `_`, `-`, `/`; no `..`. */
export function IsSyncRepoPath(options?: ValidationOptions) {
  return define(
    'isSyncRepoPath',
    (v) => syncRepoFluxPath(v) !== null,
    `path must be a folder inside the repository ('' or './' for its root; letters, digits, '.', '_', '-', '/'; no '..'; at most ${MAX_SYNC_PATH_LENGTH} characters)`,
    options,
  );
}

/** Cluster name → folder, each as IsSyncRepoPath; null or {} means no per-cluster paths. */
export function IsSyncRepoPathMap(options?: ValidationOptions) {
  return define(
    'isSyncRepoPathMap',
    (v) => v === null || isSyncRepoPathMap(v),
    'paths must map cluster names (DNS labels) to folders inside the repository, at most 200 entries',
    options,
  );
}
