-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderInstance" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "adapter" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderInstance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerLink" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "telegramUserId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderCustomerRef" (
    "customerId" TEXT NOT NULL,
    "providerInstanceId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderCustomerRef_pkey" PRIMARY KEY ("customerId","providerInstanceId")
);

-- CreateIndex
CREATE INDEX "ProviderInstance_shopId_idx" ON "ProviderInstance"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLink_shopId_phone_key" ON "CustomerLink"("shopId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLink_shopId_telegramUserId_key" ON "CustomerLink"("shopId", "telegramUserId");

-- AddForeignKey
ALTER TABLE "ProviderInstance" ADD CONSTRAINT "ProviderInstance_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerLink" ADD CONSTRAINT "CustomerLink_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCustomerRef" ADD CONSTRAINT "ProviderCustomerRef_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "CustomerLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCustomerRef" ADD CONSTRAINT "ProviderCustomerRef_providerInstanceId_fkey" FOREIGN KEY ("providerInstanceId") REFERENCES "ProviderInstance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

