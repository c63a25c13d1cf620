-- Four eyes by person: every API key and every namespace request records the person accountable for it.

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "accountable" TEXT;

-- AlterTable
ALTER TABLE "NamespaceRequest" ADD COLUMN     "accountable" TEXT;

-- Existing keys: follow `createdBy` through keys minted by keys (`apikey:<name>(<id>)`) up to the person
-- (`user:<sub>`) or system principal (`system:bootstrap`) at the root. A chain whose root key no longer
-- exists ends at that key's actor string, which still names one accountable credential.
WITH RECURSIVE chain(id, creator, depth) AS (
  SELECT id, "createdBy", 0 FROM "ApiKey"
  UNION ALL
  SELECT c.id, k."createdBy", c.depth + 1
  FROM chain c
  JOIN "ApiKey" k ON k.id::text = substring(c.creator from '\(([0-9a-f-]{36})\)$')
  WHERE c.creator LIKE 'apikey:%' AND c.depth < 32
)
UPDATE "ApiKey" a
SET "accountable" = (SELECT creator FROM chain WHERE chain.id = a.id ORDER BY depth DESC LIMIT 1);

-- Existing requests: a key's request is accountable to the key's person, a user's to the user.
UPDATE "NamespaceRequest" r
SET "accountable" = COALESCE(
  (SELECT k."accountable" FROM "ApiKey" k
    WHERE r."requestedBy" LIKE 'apikey:%' AND k.id::text = substring(r."requestedBy" from '\(([0-9a-f-]{36})\)$')),
  r."requestedBy");

ALTER TABLE "ApiKey" ALTER COLUMN "accountable" SET NOT NULL;
ALTER TABLE "NamespaceRequest" ALTER COLUMN "accountable" SET NOT NULL;
