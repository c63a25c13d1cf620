export * from './types';
export { evaluate, decide } from './evaluate';
export { DEFAULT_POLICY_OPTIONS, resolveOptions, type ResolvedOptions } from './options';
export { REASON_CODES, type ReasonCode } from './reasons';
export {
  canonicalResourceKey,
  formatResource,
  formatResources,
  parseResources,
  prepareNamespaces,
  summarizeNamespaces,
  quantityHint,
  sumResources,
  totalResources,
} from './resources';
export { parseDuration, formatDuration } from './duration';
export { PROTECTED_LABEL } from './rules/delete';
export { tenantPrefix, prefixCandidates, prefixOwner, enclosingTenantCandidates } from './prefix';
