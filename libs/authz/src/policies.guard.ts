import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { subject as tag } from '@casl/ability';
import { isUUID } from 'class-validator';
import { BadInputError, ForbiddenError, isDnsLabel, NotFoundError } from '@berth/common';
import { abilityFor, AppAbility, assertCan } from './ability.factory';
import { AUTHZ_SUBJECTS, AuthzSubjects } from './authz-subjects';
import { AUTHENTICATED_ONLY, IS_PUBLIC, REQUIRED_POLICY, RequiredPolicy } from './decorators';
import type { Principal } from './principal';

/**
 * Runs after authentication: the one seam where every route's declared policy is enforced. It takes
 * the caller's ability (built once per distinct principal), then checks the route's action on the resource the route
 * names, so no route depends on its service remembering a check:
 * - `/tenants/{tenant}/…`: the tenant is loaded; a tenant the caller can neither read nor act in
 *   answers 404 (its existence is not revealed), a visible one without the action 403;
 * - `/namespace-requests/{id}/…`: without the action on any request 403 (before anything is looked
 *   up), an invisible request 404, the action refused on this one (four eyes) 403;
 * - any other route: the action on the subject type (403).
 * Routes without a policy are refused: deny by default. Services keep their row-level checks as a second line.
 */
@Injectable()
export class PoliciesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHZ_SUBJECTS) private readonly subjects: AuthzSubjects,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ user: Principal; ability?: unknown; params?: Record<string, string> }>();
    const ability = abilityFor(request.user);
    request.ability = ability;
    if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ONLY, targets)) return true;
    const policy = this.reflector.getAllAndOverride<RequiredPolicy | undefined>(REQUIRED_POLICY, targets);
    if (!policy) throw new ForbiddenError('This route declares no policy');
    const params = request.params ?? {};
    if (params.tenant !== undefined) return this.inTenant(ability, policy, params.tenant);
    if (!ability.can(policy.action, policy.subject)) throw new ForbiddenError();
    if (policy.subject === 'NamespaceRequest' && params.id !== undefined) await this.onRequest(ability, policy, params.id);
    return true;
  }

  private async inTenant(ability: AppAbility, { action, subject }: RequiredPolicy, name: string): Promise<true> {
    // A name no tenant can have is refused before it reaches the database (as the route's param validation would).
    if (!isDnsLabel(name))
      throw new BadInputError('Invalid input: tenant', [{ field: 'tenant', code: 'isDnsLabel', message: 'tenant must be a DNS-1123 label' }]);
    const tenant = await this.subjects.tenantByName(name);
    const allowed = (row: { id: string }) =>
      subject === 'all' ? ability.can(action, 'all') : ability.can(action, tag(subject, subject === 'Tenant' ? row : { tenantId: row.id }) as never);
    // Visible: the caller reads the tenant, or may do this route's action in it (a `preview` CI key
    // reaches its tenant's previews without reading the tenant itself).
    if (!tenant || !(ability.can('read', tag('Tenant', tenant) as never) || allowed(tenant))) throw new NotFoundError('Tenant', name);
    if (!allowed(tenant)) throw new ForbiddenError();
    return true;
  }

  private async onRequest(ability: AppAbility, { action }: RequiredPolicy, id: string): Promise<void> {
    if (!isUUID(id)) throw new BadInputError('Invalid input: id', [{ field: 'id', code: 'isUuid', message: 'id must be a UUID' }]);
    const row = await this.subjects.namespaceRequest(id);
    if (!row || !ability.can('read', tag('NamespaceRequest', row) as never)) throw new NotFoundError('Namespace request', id);
    assertCan(ability, action, 'NamespaceRequest', row); // 403 with the rule's reason (e.g. four eyes)
  }
}
