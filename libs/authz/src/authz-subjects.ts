/**
 * What the policies guard loads to check a route's action on the resource it names: the tenant of a
 * `/tenants/{tenant}/…` route and the namespace request of `/namespace-requests/{id}/…`. The app
 * provides it (AuthModule), so this library stays free of Prisma.
 */
export interface AuthzSubjects {
  tenantByName(name: string): Promise<{ id: string; name: string } | null>;
  namespaceRequest(id: string): Promise<({ tenantId: string } & Record<string, unknown>) | null>;
}

export const AUTHZ_SUBJECTS = Symbol('AUTHZ_SUBJECTS');
