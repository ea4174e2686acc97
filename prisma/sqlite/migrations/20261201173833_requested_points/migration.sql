-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT,
    "phone" TEXT,
    "telegramUserId" TEXT,
    "status" TEXT NOT NULL,
    "vendorStatus" TEXT,
    "loyaltyProviderId" TEXT NOT NULL,
    "orderProviderId" TEXT,
    "currency" TEXT NOT NULL,
    "lines" TEXT NOT NULL,
    "calculation" TEXT,
    "fulfilment" TEXT NOT NULL,
    "contact" TEXT NOT NULL,
    "comment" TEXT,
    "redeemPoints" INTEGER NOT NULL DEFAULT 0,
    "requestedPoints" INTEGER NOT NULL DEFAULT 0,
    "pointsHeld" INTEGER NOT NULL DEFAULT 0,
    "pointsRedeemed" INTEGER NOT NULL DEFAULT 0,
    "pointsEarned" INTEGER NOT NULL DEFAULT 0,
    "refundedAmount" INTEGER NOT NULL DEFAULT 0,
    "holdId" TEXT,
    "holdExpiresAt" DATETIME,
    "loyaltyRef" TEXT,
    "orderRef" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Order" ("calculation", "comment", "contact", "createdAt", "currency", "customerId", "fulfilment", "holdExpiresAt", "holdId", "id", "lines", "loyaltyProviderId", "loyaltyRef", "orderProviderId", "orderRef", "phone", "pointsEarned", "pointsHeld", "pointsRedeemed", "redeemPoints", "refundedAmount", "shopId", "status", "telegramUserId", "updatedAt", "vendorStatus", "version") SELECT "calculation", "comment", "contact", "createdAt", "currency", "customerId", "fulfilment", "holdExpiresAt", "holdId", "id", "lines", "loyaltyProviderId", "loyaltyRef", "orderProviderId", "orderRef", "phone", "pointsEarned", "pointsHeld", "pointsRedeemed", "redeemPoints", "refundedAmount", "shopId", "status", "telegramUserId", "updatedAt", "vendorStatus", "version" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE INDEX "Order_shopId_customerId_createdAt_idx" ON "Order"("shopId", "customerId", "createdAt");
CREATE INDEX "Order_telegramUserId_createdAt_idx" ON "Order"("telegramUserId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
