-- AlterTable
ALTER TABLE "CustomerLink" ADD COLUMN "consentAt" DATETIME;

-- CreateTable
CREATE TABLE "PhoneCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "telegramUserId" TEXT NOT NULL,
    "providerInstanceId" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "checks" INTEGER NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE INDEX "PhoneCode_shopId_phone_sentAt_idx" ON "PhoneCode"("shopId", "phone", "sentAt");

-- CreateIndex
CREATE INDEX "PhoneCode_shopId_telegramUserId_sentAt_idx" ON "PhoneCode"("shopId", "telegramUserId", "sentAt");
