-- Who failed a namespace, as a column instead of a prefix of lastError
CREATE TYPE "NamespaceFailure" AS ENUM ('Writer', 'Flux');

ALTER TABLE "Namespace" ADD COLUMN "failedBy" "NamespaceFailure";

-- Existing rows: the status reconciler wrote Flux failures with the prefix "Flux: ", the fleet writer any other
UPDATE "Namespace" SET "failedBy" = CASE WHEN starts_with(coalesce("lastError", ''), 'Flux: ') THEN 'Flux'::"NamespaceFailure" ELSE 'Writer'::"NamespaceFailure" END WHERE state = 'Failed';
