-- CreateEnum
CREATE TYPE "RequestKind" AS ENUM ('Create', 'Change', 'Delete');

-- CreateEnum
CREATE TYPE "RequestState" AS ENUM ('PendingApproval', 'Approved', 'Rejected', 'Cancelled', 'Committed', 'Failed');

-- CreateEnum
CREATE TYPE "NamespaceState" AS ENUM ('Approved', 'Committed', 'Ready', 'Failed', 'Deleting');

-- CreateTable
CREATE TABLE "Namespace" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "cluster" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "resources" JSONB NOT NULL,
    "state" "NamespaceState" NOT NULL DEFAULT 'Approved',
    "expiresAt" TIMESTAMP(3),
    "requestId" UUID NOT NULL,
    "commitSha" TEXT,
    "lastError" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Namespace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Allocation" (
    "namespaceId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "resource" TEXT NOT NULL,
    "milli" BIGINT NOT NULL,

    CONSTRAINT "Allocation_pkey" PRIMARY KEY ("namespaceId","resource")
);

-- CreateTable
CREATE TABLE "NamespaceRequest" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "kind" "RequestKind" NOT NULL,
    "namespace" TEXT NOT NULL,
    "cluster" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "state" "RequestState" NOT NULL,
    "decision" JSONB NOT NULL,
    "reason" TEXT,
    "requestedBy" TEXT NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "comment" TEXT,
    "commitSha" TEXT,
    "lastError" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NamespaceRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" INTEGER,
    "body" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("scope","key")
);

-- CreateIndex
CREATE INDEX "Namespace_tenantId_name_idx" ON "Namespace"("tenantId", "name");

-- CreateIndex
CREATE INDEX "Namespace_expiresAt_idx" ON "Namespace"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Namespace_cluster_name_key" ON "Namespace"("cluster", "name");

-- CreateIndex
CREATE INDEX "Allocation_tenantId_resource_idx" ON "Allocation"("tenantId", "resource");

-- CreateIndex
CREATE INDEX "NamespaceRequest_tenantId_state_createdAt_idx" ON "NamespaceRequest"("tenantId", "state", "createdAt");

-- CreateIndex
CREATE INDEX "NamespaceRequest_state_createdAt_idx" ON "NamespaceRequest"("state", "createdAt");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_expiresAt_idx" ON "IdempotencyRecord"("expiresAt");

-- AddForeignKey
ALTER TABLE "Namespace" ADD CONSTRAINT "Namespace_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_namespaceId_fkey" FOREIGN KEY ("namespaceId") REFERENCES "Namespace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NamespaceRequest" ADD CONSTRAINT "NamespaceRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
