-- The quota ledger summed per tenant and resource, and the live namespace count per tenant, kept by
-- the database as rows change (statement triggers with transition tables: one upsert per statement,
-- whatever writes the rows, including cascades). Decisions read these instead of scanning the ledger.
-- The function bodies write the statement separator as the octal escape \073 because the migration
-- runner of the pg driver adapter splits scripts at every literal separator, even inside strings.

-- CreateTable
CREATE TABLE "TenantAllocation" (
    "tenantId" UUID NOT NULL,
    "resource" TEXT NOT NULL,
    "milli" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "TenantAllocation_pkey" PRIMARY KEY ("tenantId","resource")
);

-- CreateTable
CREATE TABLE "TenantNamespaceCount" (
    "tenantId" UUID NOT NULL,
    "live" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TenantNamespaceCount_pkey" PRIMARY KEY ("tenantId")
);

-- Ledger totals: add what a statement inserted, subtract what it deleted (an update does both).
CREATE FUNCTION berth_allocation_totals() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP IN (''INSERT'', ''UPDATE'') THEN
    INSERT INTO "TenantAllocation" ("tenantId", resource, milli)
    SELECT "tenantId", resource, sum(milli) FROM new_rows GROUP BY "tenantId", resource
    ON CONFLICT ("tenantId", resource) DO UPDATE SET milli = "TenantAllocation".milli + EXCLUDED.milli\073
  END IF\073
  IF TG_OP IN (''DELETE'', ''UPDATE'') THEN
    INSERT INTO "TenantAllocation" ("tenantId", resource, milli)
    SELECT "tenantId", resource, -sum(milli) FROM old_rows GROUP BY "tenantId", resource
    ON CONFLICT ("tenantId", resource) DO UPDATE SET milli = "TenantAllocation".milli + EXCLUDED.milli\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER "Allocation_totals_insert" AFTER INSERT ON "Allocation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION berth_allocation_totals();
CREATE TRIGGER "Allocation_totals_update" AFTER UPDATE ON "Allocation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION berth_allocation_totals();
CREATE TRIGGER "Allocation_totals_delete" AFTER DELETE ON "Allocation"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION berth_allocation_totals();

-- Live namespace count: +1 per row that is live after the statement, -1 per row that was live before.
CREATE FUNCTION berth_namespace_count() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    INSERT INTO "TenantNamespaceCount" ("tenantId", live)
    SELECT "tenantId", count(*) FROM new_rows WHERE state <> ''Deleting'' GROUP BY "tenantId"
    ON CONFLICT ("tenantId") DO UPDATE SET live = "TenantNamespaceCount".live + EXCLUDED.live\073
  ELSIF TG_OP = ''DELETE'' THEN
    INSERT INTO "TenantNamespaceCount" ("tenantId", live)
    SELECT "tenantId", -count(*) FROM old_rows WHERE state <> ''Deleting'' GROUP BY "tenantId"
    ON CONFLICT ("tenantId") DO UPDATE SET live = "TenantNamespaceCount".live + EXCLUDED.live\073
  ELSE
    INSERT INTO "TenantNamespaceCount" ("tenantId", live)
    SELECT "tenantId", sum(d) FROM (
      SELECT "tenantId", 1 AS d FROM new_rows WHERE state <> ''Deleting''
      UNION ALL SELECT "tenantId", -1 FROM old_rows WHERE state <> ''Deleting''
    ) delta GROUP BY "tenantId" HAVING sum(d) <> 0
    ON CONFLICT ("tenantId") DO UPDATE SET live = "TenantNamespaceCount".live + EXCLUDED.live\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER "Namespace_count_insert" AFTER INSERT ON "Namespace"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION berth_namespace_count();
CREATE TRIGGER "Namespace_count_update" AFTER UPDATE ON "Namespace"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION berth_namespace_count();
CREATE TRIGGER "Namespace_count_delete" AFTER DELETE ON "Namespace"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION berth_namespace_count();

-- What existed before the triggers.
INSERT INTO "TenantAllocation" ("tenantId", resource, milli)
SELECT "tenantId", resource, sum(milli) FROM "Allocation" GROUP BY "tenantId", resource;
INSERT INTO "TenantNamespaceCount" ("tenantId", live)
SELECT "tenantId", count(*) FROM "Namespace" WHERE state <> 'Deleting' GROUP BY "tenantId";
