-- CreateTable
CREATE TABLE "ProductExport" (
    "providerInstanceId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "exportedAt" DATETIME NOT NULL,

    PRIMARY KEY ("providerInstanceId", "productId")
);
