import { AbilityBuilder, ForbiddenError, subject as tag } from '@casl/ability';
import { accessibleBy, createPrismaAbility, PrismaQuery, Subjects } from '@casl/prisma';
import type { ApiKey, AuditEvent, Cluster, Membership, Namespace, NamespaceRequest, Preview, QuotaTier, Tenant, WebhookSubscription } from '@prisma/client';
import { Principal, roleAtLeast, TenantRole } from './principal';

export type Action = 'manage' | 'create' | 'read' | 'update' | 'delete' | 'approve' | 'reject' | 'cancel' | 'sync';

export type AppSubjects =
  | 'all'
  | Subjects<{
      Tenant: Tenant;
      Membership: Membership;
      ApiKey: ApiKey;
      Cluster: Cluster;
      QuotaTier: QuotaTier;
      AuditEvent: AuditEvent;
      Namespace: Namespace;
      NamespaceRequest: NamespaceRequest;
      Preview: Preview;
      WebhookSubscription: WebhookSubscription;
    }>;
export type SubjectName = Exclude<AppSubjects, object>;
export type ModelName = Exclude<SubjectName, 'all'>;
export type AppAbility = ReturnType<typeof createPrismaAbility<[Action, AppSubjects], PrismaQuery>>;

/** Fields of a tenant its owners may change themselves; budgets and placement stay with platform admins. */
export const OWNER_EDITABLE_TENANT_FIELDS = ['displayName', 'labels', 'syncRepo'];

/**
 * Every authorization rule of Berth, as one table. The same rules gate actions (`can`) and filter
 * queries (`accessibleBy` → Prisma `where`), so a list can never show what a read would refuse.
 */
export function defineAbilityFor(principal: Principal): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);

  if (principal.isAdmin) {
    can('manage', 'all');
    // Four eyes compares people: nobody decides a request they are accountable for, through any
    // credential (their own sign-in, a key they minted, a key minted by such a key).
    const fourEyes = 'Four-eyes rule: you cannot approve or reject a request you are accountable for';
    cannot(['approve', 'reject'], 'NamespaceRequest', { accountable: principal.accountable }).because(fourEyes);
    cannot(['approve', 'reject'], 'NamespaceRequest', { requestedBy: principal.actor }).because(fourEyes);
    return build();
  }

  const tenantsWith = (minimum: TenantRole) => principal.memberships.filter((m) => roleAtLeast(m.role, minimum)).map((m) => m.tenantId);
  const viewerOf = tenantsWith('viewer');
  const developerOf = tenantsWith('developer');
  const ownerOf = tenantsWith('owner');

  // A cluster key (its Flux Operator) reads that cluster's namespace inputs, nothing else.
  if (principal.cluster) {
    can('sync', 'Cluster', { name: principal.cluster });
    return build();
  }

  // Pull-request previews: CI keys with the `preview` role, and developers and owners.
  const previewers = principal.memberships.filter((m) => m.role === 'preview' || roleAtLeast(m.role, 'developer')).map((m) => m.tenantId);
  can(['create', 'read', 'delete'], 'Preview', { tenantId: { in: previewers } });

  // Shared catalogues everyone signed in may read (not preview-only keys).
  if (principal.memberships.some((m) => m.role === 'preview') && principal.kind === 'apiKey') return build();
  can('read', 'Cluster');
  can('read', 'QuotaTier');

  // viewer (and up): see the tenant and who is in it.
  can('read', 'Tenant', { id: { in: viewerOf } });
  can('read', 'Membership', { tenantId: { in: viewerOf } });

  // viewer: see namespaces and requests. developer: ask for namespaces and changes to them.
  can('read', ['Namespace', 'NamespaceRequest', 'Preview'], { tenantId: { in: viewerOf } });
  can('create', 'NamespaceRequest', { tenantId: { in: developerOf } });
  can('update', 'Namespace', { tenantId: { in: developerOf } });
  // A requester (through any of their credentials) may withdraw their own pending request; owners any of their tenant's.
  can('cancel', 'NamespaceRequest', { tenantId: { in: viewerOf }, accountable: principal.accountable });
  can('cancel', 'NamespaceRequest', { tenantId: { in: ownerOf } });

  // owner: decommission namespaces, run the tenant's people, keys and (some) settings, and read its audit trail.
  can('update', 'Tenant', OWNER_EDITABLE_TENANT_FIELDS, { id: { in: ownerOf } });
  can(['create', 'delete'], 'Membership', { tenantId: { in: ownerOf } });
  can(['create', 'read', 'delete'], 'ApiKey', { tenantId: { in: ownerOf } });
  can('read', 'AuditEvent', { tenantId: { in: ownerOf } });
  can('delete', 'Namespace', { tenantId: { in: ownerOf } });
  // owner: the tenant's outbound webhooks (their secrets, delivery log, rotation and redelivery). Global ones: admins.
  can(['create', 'read', 'update', 'delete'], 'WebhookSubscription', { tenantId: { in: ownerOf } });

  return build();
}

/** Abilities built lately, by everything of a principal that `defineAbilityFor` reads (oldest forgotten first). */
const built = new Map<string, AppAbility>();
const BUILT_MAX = 1_000;

/**
 * The caller's ability, built once per distinct principal instead of once per request: the key holds every
 * field `defineAbilityFor` reads (a changed role or membership is another key, so it applies at once), and
 * an ability is never changed after it is built. Reusing it also keeps CASL's per-ability caches (rule
 * indexes, compiled conditions) warm across requests.
 */
export function abilityFor(principal: Principal): AppAbility {
  const memberships = principal.memberships.map((m) => `${m.tenantId}:${m.role}`).sort();
  const key = JSON.stringify([principal.isAdmin, principal.kind, principal.actor, principal.accountable, principal.cluster ?? null, memberships]);
  let ability = built.get(key);
  if (!ability) {
    ability = defineAbilityFor(principal);
    if (built.size >= BUILT_MAX) built.delete(built.keys().next().value!);
    built.set(key, ability);
  }
  return ability;
}

/**
 * Prisma `where` for the rows of `type` the ability allows `action` on. No rule at all means no rows
 * (CASL throws in that case; an empty list is the right answer for a read).
 */
export function accessibleWhere<T extends ModelName>(ability: AppAbility, action: Action, type: T) {
  const nothing = { id: { in: [] as string[] } };
  try {
    const where = accessibleBy(ability, action).ofType(type);
    // With no matching rule at all, @casl/prisma yields `{ OR: [] }`, which Prisma reads as "no
    // condition", i.e. every row. Deny by default instead.
    const or = (where as { OR?: unknown[] }).OR;
    if (Array.isArray(or) && or.length === 0 && Object.keys(where as object).length === 1) return nothing;
    return where;
  } catch (error) {
    if (error instanceof ForbiddenError) return nothing;
    throw error;
  }
}

/** Throws CASL's ForbiddenError (→ 403) unless the action is allowed on this row (and field). */
export function assertCan(ability: AppAbility, action: Action, type: ModelName, row: object, field?: string): void {
  const target = tag(type, row) as never;
  // The error (and its stack trace) only when refused: building it for every allowed check showed in the profile.
  if (!ability.can(action, target, field)) ForbiddenError.from(ability).throwUnlessCan(action, target, field);
}
