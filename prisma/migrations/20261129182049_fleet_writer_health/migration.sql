-- Fleet writer health, shared by every writer replica: consecutive failures, since when, next attempt (backoff).

-- AlterTable
ALTER TABLE "FleetStatus" ADD COLUMN     "degradedSince" TIMESTAMP(3),
ADD COLUMN     "failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);
