-- Ledger states become an enum. What was told apart by the text of the error column becomes a state:
-- a row left for a person is NEEDS_ATTENTION, one a person settled is SETTLED.
CREATE TYPE "LedgerKind" AS ENUM ('HOLD', 'RELEASE', 'COMMIT', 'REFUND');

CREATE TYPE "LedgerState" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'NEEDS_ATTENTION', 'SETTLED');

ALTER TABLE "LedgerEntry" ADD COLUMN "settledApplied" BOOLEAN,
ADD COLUMN "settledBy" TEXT,
ADD COLUMN "settledNote" TEXT,
ADD COLUMN "settledAt" TIMESTAMP(3);

UPDATE "LedgerEntry" SET "state" = 'NEEDS_ATTENTION' WHERE "state" = 'UNKNOWN' AND "error" LIKE 'needs reconciliation%';

UPDATE "LedgerEntry"
SET "state" = 'SETTLED', "settledApplied" = true, "settledBy" = 'staff', "settledAt" = "updatedAt"
WHERE "state" = 'SUCCEEDED' AND "providerRef" LIKE 'manual:%';

UPDATE "LedgerEntry"
SET "state" = 'SETTLED', "settledApplied" = false, "settledBy" = 'staff', "settledNote" = "error", "settledAt" = "updatedAt"
WHERE "state" = 'FAILED' AND "error" LIKE 'settled by %';

ALTER TABLE "LedgerEntry" ALTER COLUMN "kind" TYPE "LedgerKind" USING ("kind"::"LedgerKind"),
ALTER COLUMN "state" TYPE "LedgerState" USING ("state"::"LedgerState");
