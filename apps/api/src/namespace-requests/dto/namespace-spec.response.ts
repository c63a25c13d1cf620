import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DesiredSpec } from '@berth/manifests';
import { LimitRangeDto } from '../../quota-tiers/dto/create-quota-tier.dto';
import { AccessEntryDto, NETWORK_POLICIES } from './namespace-spec.dto';

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

/**
 * A namespace's desired state as Berth stores it (DesiredSpec): what a request asks for, with the defaults
 * filled in. `tier` and `resources` exclude each other.
 */
export class NamespaceSpecResponse {
  @ApiPropertyOptional({ example: 'small', description: 'The quota tier; absent when `resources` are given' }) tier?: string;
  @ApiPropertyOptional({ ...STRING_MAP, example: { 'requests.cpu': '1', 'limits.memory': '4Gi' }, description: 'Explicit ResourceQuota; absent with a tier' })
  resources?: Record<string, string>;
  @ApiPropertyOptional({ type: LimitRangeDto, nullable: true, description: "LimitRange override; null: the tier's defaults" })
  limitRange?: LimitRangeDto | null;
  @ApiProperty({ ...STRING_MAP, example: { team: 'payments' } }) labels: Record<string, string>;
  @ApiProperty(STRING_MAP) annotations: Record<string, string>;
  @ApiProperty({ type: [AccessEntryDto] }) access: AccessEntryDto[];
  @ApiProperty({ enum: NETWORK_POLICIES, example: 'isolated' }) networkPolicy: string;
  @ApiPropertyOptional({ example: '72h', description: 'Ephemeral namespace: deleted this long after approval' }) ttl?: string;
  @ApiPropertyOptional({ description: "Deleting it needs a platform admin's approval" }) protected?: boolean;

  /** The answer for a desired state (a stored one is read through desiredSpecOf); optional fields stay absent when absent. */
  static from(spec: DesiredSpec): NamespaceSpecResponse {
    const out: NamespaceSpecResponse = { labels: spec.labels, annotations: spec.annotations, access: spec.access, networkPolicy: spec.networkPolicy };
    if (spec.tier !== undefined) out.tier = spec.tier;
    if (spec.resources !== undefined) out.resources = spec.resources;
    if (spec.limitRange !== undefined) out.limitRange = spec.limitRange;
    if (spec.ttl !== undefined) out.ttl = spec.ttl;
    if (spec.protected !== undefined) out.protected = spec.protected;
    return out;
  }
}
