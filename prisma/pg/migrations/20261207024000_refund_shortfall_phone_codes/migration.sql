-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "refundShortfallPoints" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderTransition" ADD COLUMN     "event" TEXT;

-- Codes live ten minutes and are now kept one per phone and provider: the old rows are voided.
DELETE FROM "PhoneCode";

-- AlterTable
ALTER TABLE "PhoneCode" ADD COLUMN     "codeId" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "PhoneDailyCount" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "sends" INTEGER NOT NULL DEFAULT 0,
    "checks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PhoneDailyCount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderAttention" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "detail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),
    "settledBy" TEXT,
    "note" TEXT,

    CONSTRAINT "OrderAttention_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PhoneDailyCount_shopId_phone_idx" ON "PhoneDailyCount"("shopId", "phone");

-- CreateIndex
CREATE INDEX "OrderAttention_shopId_settledAt_idx" ON "OrderAttention"("shopId", "settledAt");

-- CreateIndex
CREATE INDEX "OrderAttention_orderId_idx" ON "OrderAttention"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "PhoneCode_codeId_key" ON "PhoneCode"("codeId");

