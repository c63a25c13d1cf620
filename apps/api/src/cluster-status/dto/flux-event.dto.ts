import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsDnsLabel, IsStringMap, RequestSchema } from '@berth/common';

/** notification-controller keeps event messages up to 39,000 characters (it cuts longer ones before sending). */
export const FLUX_MESSAGE_MAX_LENGTH = 39_000;
/** notification-controller's own limit on an event request body (3 MiB); Berth accepts as much on this route. */
export const FLUX_EVENT_BODY_LIMIT_BYTES = 3 * 1024 * 1024;

@RequestSchema()
export class FluxEventQueryDto {
  @ApiProperty({ description: "The cluster whose notification-controller sends this (set in the Provider's address)", example: 'prod-eu-1' })
  @IsDnsLabel()
  cluster: string;
}

export class FluxObjectReference {
  @ApiProperty({ example: 'Kustomization' }) @IsString() @MaxLength(100) kind: string;
  @ApiProperty({ example: 'berth-tenants' }) @IsString() @MaxLength(253) name: string;
  @ApiPropertyOptional({ example: 'flux-system' }) @IsOptional() @IsString() @MaxLength(253) namespace?: string;
}

/**
 * A Flux notification-controller event (the `generic` / `generic-hmac` Provider payload). Only the fields
 * Berth reads are validated; the others (uid, reportingInstance, …) are allowed and ignored.
 */
export class FluxEventDto {
  @ApiProperty({ type: FluxObjectReference })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => FluxObjectReference)
  involvedObject: FluxObjectReference;

  @ApiProperty({ enum: ['info', 'error', 'trace'] }) @IsIn(['info', 'error', 'trace']) severity: string;
  @ApiProperty({ example: '2026-11-24T10:00:00Z' }) @IsISO8601({ strict: true }) timestamp: string;
  @ApiProperty({ maxLength: FLUX_MESSAGE_MAX_LENGTH, example: 'Applied revision: main@sha1:0123…' })
  @IsString()
  @MaxLength(FLUX_MESSAGE_MAX_LENGTH)
  message: string;
  @ApiProperty({ example: 'ReconciliationSucceeded' }) @IsString() @MaxLength(200) reason: string;
  /** Flux sends `map[string]string`; any other JSON type (a number or object revision) is a 400, not a stored value. */
  @ApiPropertyOptional({ example: { revision: 'main@sha1:0123…' }, type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap(64, 4096)
  metadata?: Record<string, string>;
  @ApiPropertyOptional({ example: 'kustomize-controller' }) @IsOptional() @IsString() @MaxLength(200) reportingController?: string;
}

export class FluxEventAccepted {
  @ApiProperty() cluster: string;
  @ApiProperty({
    enum: ['reconciled', 'applied', 'ignored'],
    description: 'reconciled: Berth read the cluster at once; applied: the event itself was applied (no cluster credentials); ignored: not about berth-tenants',
  })
  action: string;
  @ApiPropertyOptional({ nullable: true, type: String }) revision?: string | null;
  @ApiPropertyOptional() ready?: number;
  @ApiPropertyOptional() failed?: number;
}
