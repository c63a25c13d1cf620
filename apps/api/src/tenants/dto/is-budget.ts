import { registerDecorator, ValidationOptions } from 'class-validator';
import { isResourceName, isValidQuantity } from '@berth/common';

export const NAMESPACES_KEY = 'namespaces';
export const MAX_NAMESPACES_BUDGET = 1_000_000;

/** Resource caps as quantity strings, plus `namespaces` as a non-negative integer. */
export function isBudget(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 64 &&
    entries.every(([key, v]) =>
      key === NAMESPACES_KEY
        ? Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_NAMESPACES_BUDGET
        : isResourceName(key) && typeof v === 'string' && isValidQuantity(v),
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
        message: `${propertyName} must map resource names to non-negative Kubernetes quantities, and "namespaces" to a non-negative integer`,
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
