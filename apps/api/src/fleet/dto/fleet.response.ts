import { ApiProperty } from '@nestjs/swagger';

class FleetPush {
  @ApiProperty() sha: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at: Date | null;
}

class FleetError {
  @ApiProperty() message: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at: Date | null;
}

class FleetWriterHealth {
  @ApiProperty({ enum: ['ok', 'degraded'] }) state: 'ok' | 'degraded';
  @ApiProperty() consecutiveFailures: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) degradedSince: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt: Date | null;
  @ApiProperty({ type: FleetError, nullable: true }) lastError: FleetError | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastPushAt: Date | null;
}

/** GET /v1/fleet/status: shared by every writer replica (the database holds it). */
export class FleetStatusResponse {
  @ApiProperty({ type: String, nullable: true, description: 'The fleet remote, credentials redacted; null when pull-only' }) repository: string | null;
  @ApiProperty() branch: string;
  @ApiProperty({ description: 'Approved requests not yet committed' }) pendingRequests: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Writer jobs in the queue; null when the queue cannot be read' }) queuedJobs: number | null;
  @ApiProperty({ type: FleetPush, nullable: true }) lastPush: FleetPush | null;
  @ApiProperty({ type: FleetError, nullable: true }) lastError: FleetError | null;
  @ApiProperty({ type: FleetWriterHealth }) writer: FleetWriterHealth;
}

class OwnershipCollisionResponse {
  @ApiProperty() path: string;
  @ApiProperty({ type: [String], description: 'Every owner that claims the path (sorted)' }) owners: string[];
}

/** GET /v1/fleet/drift: paths Berth owns that differ from what it would render. */
export class FleetDriftResponse {
  @ApiProperty({ type: String, nullable: true, description: 'The remote head compared against' }) head: string | null;
  @ApiProperty({ type: [String] }) changed: string[];
  @ApiProperty({ type: [String] }) missing: string[];
  @ApiProperty({ type: [String] }) unexpected: string[];
  @ApiProperty({ type: [OwnershipCollisionResponse], description: 'Files two owners would render (never written)' }) collisions: OwnershipCollisionResponse[];
}

export class ReconcileResponse {
  @ApiProperty({ type: String, nullable: true, description: 'The commit written; null when nothing drifted' }) sha: string | null;
}
