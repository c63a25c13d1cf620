-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ApiKeyRole" ADD VALUE 'preview';
ALTER TYPE "ApiKeyRole" ADD VALUE 'cluster';

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "clusterName" TEXT;

-- AlterTable
ALTER TABLE "Namespace" ADD COLUMN     "readyAt" TIMESTAMP(3),
ADD COLUMN     "used" JSONB;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "previewCluster" TEXT,
ADD COLUMN     "previewLimit" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "previewTier" TEXT;

-- CreateTable
CREATE TABLE "Preview" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "repository" TEXT NOT NULL,
    "pullRequest" INTEGER NOT NULL,
    "headSha" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Preview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FluxEventReceipt" (
    "digest" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FluxEventReceipt_pkey" PRIMARY KEY ("digest")
);

-- CreateIndex
CREATE UNIQUE INDEX "Preview_tenantId_pullRequest_key" ON "Preview"("tenantId", "pullRequest");

-- CreateIndex
CREATE INDEX "FluxEventReceipt_receivedAt_idx" ON "FluxEventReceipt"("receivedAt");

-- AddForeignKey
ALTER TABLE "Preview" ADD CONSTRAINT "Preview_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
