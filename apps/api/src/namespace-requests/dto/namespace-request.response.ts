import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NamespaceRequest } from '@prisma/client';
import type { Decision } from '@berth/policy';
import { NamespaceSpecResponse } from './namespace-spec.response';

export class ReasonResponse {
  @ApiProperty({ example: 'budget.exceeded' }) code: string;
  @ApiProperty({ example: 'limits.memory 16Gi exceeds budget: used 40Gi of 48Gi' }) message: string;
  @ApiPropertyOptional({ example: 'resources.limits.memory' }) field?: string;
  @ApiPropertyOptional() limit?: string;
  @ApiPropertyOptional() requested?: string;
  @ApiPropertyOptional() used?: string;
  @ApiProperty({ enum: ['deny', 'needs-approval'] }) severity: string;
}

export class DecisionResponse {
  @ApiProperty({ enum: ['approve', 'needs-approval', 'deny'] }) outcome: string;
  @ApiProperty({ type: [ReasonResponse] }) reasons: ReasonResponse[];
}

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
      spec: row.spec as unknown as NamespaceSpecResponse,
      decision: row.decision as unknown as Decision,
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
