import type { Schemas } from '@berth/client';

/** A namespace's desired spec as the API stores it on requests and namespaces (typed loosely in openapi.json). */
export interface DesiredSpec {
  tier?: string;
  resources?: Record<string, string>;
  limitRange?: Record<string, Record<string, string>> | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  access?: Array<{ subject: { kind: string; name: string }; role: string }>;
  networkPolicy?: string;
  ttl?: string;
  protected?: boolean;
}

export const specOf = (value: { spec: unknown }): DesiredSpec => (value.spec ?? {}) as DesiredSpec;

export type NamespaceRequest = Schemas['NamespaceRequestResponse'];
export type Namespace = Schemas['NamespaceResponse'];
export type Tier = Schemas['QuotaTierResponse'];
export type Usage = Schemas['UsageResponse'];

/** What a request asks for: its explicit resources, else its tier's. */
export function requestedResources(spec: DesiredSpec, tiers: Map<string, Tier>): Record<string, string> {
  if (spec.resources && Object.keys(spec.resources).length > 0) return spec.resources;
  return (spec.tier && tiers.get(spec.tier)?.resources) || {};
}
