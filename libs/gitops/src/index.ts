export { FleetRepo, formatCommitMessage } from './fleet-repo';
export type { FleetRepoOptions, CommitBatchOptions, CommitBatchResult, CommitAuthor, FleetLogger } from './fleet-repo';
export type { FleetTree } from './tree';
export type { FleetAuth } from './git';
export { initBareFleetRepo } from './init';
export type { InitBareFleetRepoResult } from './init';
export { FleetError, FleetPathError, FleetRemoteError, FleetConflictError, GitCommandError } from './errors';
export { redact } from './redact';
export { memoryTree } from './memory-tree';
