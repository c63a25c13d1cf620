import type { RuleContext } from '../context';
import { deny, show } from '../reasons';
import type { Reason } from '../types';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_SUBJECT = 256;

/** Access grants: subject User|Group with a sane name; role among options.allowedClusterRoles. */
export function checkAccess(ctx: RuleContext, out: Reason[]): void {
  const { access } = ctx.request;
  if (access === undefined) return;
  const roles = ctx.options.allowedClusterRoles;
  for (let i = 0; i < access.length; i++) {
    const { subject, role } = access[i] ?? {};
    const field = `access[${i}]`;
    if (!subject || (subject.kind !== 'User' && subject.kind !== 'Group')) {
      out.push(deny('access.invalid-subject', `subject kind ${show(subject?.kind)} must be User or Group`, { field: `${field}.subject.kind` }));
    } else if (typeof subject.name !== 'string' || subject.name.length === 0 || subject.name.length > MAX_SUBJECT || CONTROL.test(subject.name)) {
      out.push(
        deny('access.invalid-subject', `subject name ${show(subject.name)} must be 1 to ${MAX_SUBJECT} characters without control characters`, {
          field: `${field}.subject.name`,
        }),
      );
    }
    if (typeof role !== 'string' || !roles.has(role)) {
      out.push(deny('access.role-not-allowed', `role ${show(role)} is not allowed; use one of ${[...roles].join(', ')}`, { field: `${field}.role` }));
    }
  }
}
