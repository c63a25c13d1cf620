import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Namespace, Preview } from '@prisma/client';
import { NamespaceRequestResponse } from '../../namespace-requests/dto/namespace-request.response';

export const PREVIEW_STATES = ['PendingApproval', 'Approved', 'Committed', 'Ready', 'Failed', 'Deleting', 'Deleted'] as const;
export type PreviewState = (typeof PREVIEW_STATES)[number];

export class PreviewResponse {
  @ApiProperty() tenant: string;
  @ApiProperty({ example: 'acme/payments-api' }) repository: string;
  @ApiProperty({ example: 42 }) pullRequest: number;
  @ApiProperty({ example: '3f2c9e1' }) headSha: string;
  @ApiProperty({ example: 'payments-pr-42' }) namespace: string;
  @ApiProperty() cluster: string;
  @ApiProperty({ enum: PREVIEW_STATES, description: "The namespace's state; PendingApproval while its Create request waits; Deleted once it is gone" })
  state: PreviewState;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'When the TTL deletes the namespace (renewed by every refresh)' }) expiresAt: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: NamespaceRequestResponse,
    description: 'The request this call made (Create, Change or Delete); absent on lists',
  })
  request?: NamespaceRequestResponse | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(row: Preview, tenant: string, ns: Namespace | null, pending = false, request?: NamespaceRequestResponse | null): PreviewResponse {
    return {
      tenant,
      repository: row.repository,
      pullRequest: row.pullRequest,
      headSha: row.headSha,
      namespace: row.namespace,
      cluster: row.cluster,
      state: ns ? ns.state : pending ? 'PendingApproval' : 'Deleted',
      expiresAt: ns?.expiresAt ?? null,
      ...(request !== undefined ? { request } : {}),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class PreviewPage {
  @ApiProperty({ type: [PreviewResponse] }) items: PreviewResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
