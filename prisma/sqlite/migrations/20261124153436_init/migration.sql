-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProviderInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "adapter" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ProviderInstance_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "telegramUserId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CustomerLink_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProviderCustomerRef" (
    "customerId" TEXT NOT NULL,
    "providerInstanceId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("customerId", "providerInstanceId"),
    CONSTRAINT "ProviderCustomerRef_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "CustomerLink" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProviderCustomerRef_providerInstanceId_fkey" FOREIGN KEY ("providerInstanceId") REFERENCES "ProviderInstance" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ProviderInstance_shopId_idx" ON "ProviderInstance"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLink_shopId_phone_key" ON "CustomerLink"("shopId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLink_shopId_telegramUserId_key" ON "CustomerLink"("shopId", "telegramUserId");
