-- Ledger states become an enum (SQLite keeps it as text). What was told apart by the text of the error
-- column becomes a state: a row left for a person is NEEDS_ATTENTION, one a person settled is SETTLED.
ALTER TABLE "LedgerEntry" ADD COLUMN "settledApplied" BOOLEAN;
ALTER TABLE "LedgerEntry" ADD COLUMN "settledBy" TEXT;
ALTER TABLE "LedgerEntry" ADD COLUMN "settledNote" TEXT;
ALTER TABLE "LedgerEntry" ADD COLUMN "settledAt" DATETIME;

UPDATE "LedgerEntry" SET "state" = 'NEEDS_ATTENTION' WHERE "state" = 'UNKNOWN' AND "error" LIKE 'needs reconciliation%';
UPDATE "LedgerEntry"
SET "state" = 'SETTLED', "settledApplied" = 1, "settledBy" = 'staff', "settledAt" = "updatedAt"
WHERE "state" = 'SUCCEEDED' AND "providerRef" LIKE 'manual:%';
UPDATE "LedgerEntry"
SET "state" = 'SETTLED', "settledApplied" = 0, "settledBy" = 'staff', "settledNote" = "error", "settledAt" = "updatedAt"
WHERE "state" = 'FAILED' AND "error" LIKE 'settled by %';
