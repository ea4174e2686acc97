-- AlterTable
ALTER TABLE "CustomerLink" ADD COLUMN     "consentAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "PhoneCode" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "telegramUserId" TEXT NOT NULL,
    "providerInstanceId" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "checks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PhoneCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PhoneCode_shopId_phone_sentAt_idx" ON "PhoneCode"("shopId", "phone", "sentAt");

-- CreateIndex
CREATE INDEX "PhoneCode_shopId_telegramUserId_sentAt_idx" ON "PhoneCode"("shopId", "telegramUserId", "sentAt");

