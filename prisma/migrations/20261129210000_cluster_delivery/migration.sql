-- How a cluster receives Berth's objects (push: fleet repository, pull: Flux Operator inputs)
CREATE TYPE "ClusterDelivery" AS ENUM ('push', 'pull');

ALTER TABLE "Cluster" ADD COLUMN "delivery" "ClusterDelivery" NOT NULL DEFAULT 'push',
ADD COLUMN "pullShards" INTEGER NOT NULL DEFAULT 1;
