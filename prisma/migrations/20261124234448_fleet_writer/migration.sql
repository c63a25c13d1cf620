-- AlterTable
ALTER TABLE "Namespace" ADD COLUMN     "limitRange" JSONB;

-- AlterTable
ALTER TABLE "NamespaceRequest" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "syncRepo" JSONB;

-- CreateTable
CREATE TABLE "FleetStatus" (
    "id" TEXT NOT NULL,
    "lastPushSha" TEXT,
    "lastPushAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FleetStatus_pkey" PRIMARY KEY ("id")
);
