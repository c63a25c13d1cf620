-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "statusCheckedAt" TIMESTAMP(3),
ADD COLUMN     "statusMessage" TEXT,
ADD COLUMN     "statusReady" BOOLEAN,
ADD COLUMN     "statusRevision" TEXT;
