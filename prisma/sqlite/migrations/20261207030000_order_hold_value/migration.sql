-- The points hold becomes one column group. A hold the gateway's ledger kept was marked by a "ledger:"
-- prefix on holdId: it becomes holdKind 'ledger' with the ledger's key as holdRef.
ALTER TABLE "Order" ADD COLUMN "holdKind" TEXT;
ALTER TABLE "Order" ADD COLUMN "holdRef" TEXT;
ALTER TABLE "Order" ADD COLUMN "holdPoints" INTEGER NOT NULL DEFAULT 0;

UPDATE "Order"
SET "holdKind" = CASE WHEN "holdId" LIKE 'ledger:%' THEN 'ledger' ELSE 'vendor' END,
    "holdRef" = CASE WHEN "holdId" LIKE 'ledger:%' THEN substr("holdId", 8) ELSE "holdId" END,
    "holdPoints" = "pointsHeld"
WHERE "holdId" IS NOT NULL;

UPDATE "Order" SET "holdExpiresAt" = NULL WHERE "holdId" IS NULL;

ALTER TABLE "Order" DROP COLUMN "holdId";
ALTER TABLE "Order" DROP COLUMN "pointsHeld";
