/**
 * The audit writer of code that does not inject {@link AuditEventsRepository} yet (namespace-requests,
 * previews): the same one INSERT as `AuditEventsRepository.record`. New code injects the repository.
 */
export { auditInsert, insertAuditEvent as recordAudit, type AuditEntry } from './audit-events.repository';
