import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NamespaceRequest } from '@prisma/client';
import { desiredSpecOf } from '@berth/manifests';
import { NamespaceSpecResponse } from './namespace-spec.response';

export class ReasonResponse {
  @ApiProperty({ example: 'budget.exceeded' }) code: string;
  @ApiProperty({ example: 'limits.memory 16Gi exceeds budget: used 40Gi of 48Gi' }) message: string;
  @ApiPropertyOptional({ example: 'resources.limits.memory' }) field?: string;
  @ApiPropertyOptional() limit?: string;
  @ApiPropertyOptional() requested?: string;
  @ApiPropertyOptional() used?: string;
  @ApiProperty({ enum: ['deny', 'needs-approval'] }) severity: string;

  static of(stored: Record<string, unknown>): ReasonResponse {
    const out: ReasonResponse = { code: String(stored.code), message: String(stored.message), severity: String(stored.severity) };
    for (const key of ['field', 'limit', 'requested', 'used'] as const) if (typeof stored[key] === 'string') out[key] = stored[key];
    return out;
  }
}

export class DecisionResponse {
  @ApiProperty({ enum: ['approve', 'needs-approval', 'deny'] }) outcome: string;
  @ApiProperty({ type: [ReasonResponse] }) reasons: ReasonResponse[];

  /** A stored `decision` column (Berth wrote it from a policy Decision), typed; a reason's optional fields stay absent when absent. */
  static of(json: unknown): DecisionResponse {
    const stored = isRecord(json) ? json : {};
    const reasons = Array.isArray(stored.reasons) ? stored.reasons.filter(isRecord).map((reason) => ReasonResponse.of(reason)) : [];
    return { outcome: String(stored.outcome), reasons };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export class NamespaceRequestResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() tenant: string;
  @ApiProperty({ enum: ['Create', 'Change', 'Delete'] }) kind: string;
  @ApiProperty() namespace: string;
  @ApiProperty() cluster: string;
  @ApiProperty({ enum: ['PendingApproval', 'Approved', 'Rejected', 'Cancelled', 'Committed', 'Failed'] }) state: string;
  @ApiProperty({ type: NamespaceSpecResponse, description: 'The desired namespace spec this request asks for' }) spec: NamespaceSpecResponse;
  @ApiProperty({ type: DecisionResponse }) decision: DecisionResponse;
  @ApiPropertyOptional({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ description: 'The credential that asked', example: 'apikey:ci(…)' }) requestedBy: string;
  @ApiProperty({ description: 'The person accountable for the ask (for a key: the person it acts for); never its approver', example: 'user:alice' })
  accountable: string;
  @ApiPropertyOptional({ nullable: true, type: String }) decidedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) decidedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) comment: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) commitSha: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(row: NamespaceRequest, tenant: string): NamespaceRequestResponse {
    return {
      id: row.id,
      tenant,
      kind: row.kind,
      namespace: row.namespace,
      cluster: row.cluster,
      state: row.state,
      spec: NamespaceSpecResponse.from(desiredSpecOf(row.spec)),
      decision: DecisionResponse.of(row.decision),
      reason: row.reason,
      requestedBy: row.requestedBy,
      accountable: row.accountable,
      decidedBy: row.decidedBy,
      decidedAt: row.decidedAt,
      comment: row.comment,
      commitSha: row.commitSha,
      lastError: row.lastError,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class NamespaceRequestPage {
  @ApiProperty({ type: [NamespaceRequestResponse] }) items: NamespaceRequestResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class DryRunResponse {
  @ApiProperty({ type: DecisionResponse }) decision: DecisionResponse;
  @ApiProperty({ type: NamespaceSpecResponse, description: 'The desired spec that was evaluated' }) spec: NamespaceSpecResponse;
}
