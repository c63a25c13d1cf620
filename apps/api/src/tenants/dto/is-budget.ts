import { registerDecorator, ValidationOptions } from 'class-validator';
import { isQuantityWithin, isResourceName, MAX_TENANT_TOTAL, MAX_TENANT_TOTAL_MILLI } from '@berth/common';

export const NAMESPACES_KEY = 'namespaces';
export const MAX_NAMESPACES_BUDGET = 1_000_000;

/** Resource caps as quantity strings (at most 8Pi, a tenant's largest total), plus `namespaces` as a non-negative integer. */
export function isBudget(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 64 &&
    entries.every(([key, v]) =>
      key === NAMESPACES_KEY
        ? Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_NAMESPACES_BUDGET
        : isResourceName(key) && isQuantityWithin(v, MAX_TENANT_TOTAL_MILLI),
    )
  );
}

export function IsBudget(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isBudget',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must map resource names to non-negative Kubernetes quantities of at most ${MAX_TENANT_TOTAL} (a tenant's largest total), and "namespaces" to an integer from 0 to ${MAX_NAMESPACES_BUDGET}`,
        ...options,
      },
      validator: { validate: isBudget },
    });
}

/** Splits the API's budget object into the stored resource map and namespace cap. */
export function splitBudget(budget: Record<string, string | number>): { resources: Record<string, string>; namespaces: number | null } {
  const { [NAMESPACES_KEY]: namespaces, ...resources } = budget;
  return { resources: resources as Record<string, string>, namespaces: typeof namespaces === 'number' ? namespaces : null };
}
