-- AlterTable
ALTER TABLE "Order" ADD COLUMN "refundShortfallPoints" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderTransition" ADD COLUMN "event" TEXT;

-- Codes live ten minutes and are now kept one per phone and provider: the old rows are voided.
DROP TABLE "PhoneCode";
CREATE TABLE "PhoneCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "codeId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "telegramUserId" TEXT NOT NULL,
    "providerInstanceId" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "checks" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "PhoneDailyCount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "sends" INTEGER NOT NULL DEFAULT 0,
    "checks" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "OrderAttention" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "detail" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" DATETIME,
    "settledBy" TEXT,
    "note" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "PhoneCode_codeId_key" ON "PhoneCode"("codeId");

-- CreateIndex
CREATE INDEX "PhoneCode_shopId_phone_sentAt_idx" ON "PhoneCode"("shopId", "phone", "sentAt");

-- CreateIndex
CREATE INDEX "PhoneCode_shopId_telegramUserId_sentAt_idx" ON "PhoneCode"("shopId", "telegramUserId", "sentAt");

-- CreateIndex
CREATE INDEX "PhoneDailyCount_shopId_phone_idx" ON "PhoneDailyCount"("shopId", "phone");

-- CreateIndex
CREATE INDEX "OrderAttention_shopId_settledAt_idx" ON "OrderAttention"("shopId", "settledAt");

-- CreateIndex
CREATE INDEX "OrderAttention_orderId_idx" ON "OrderAttention"("orderId");
