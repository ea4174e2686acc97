-- CreateTable
CREATE TABLE "ProductExport" (
    "providerInstanceId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "exportedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductExport_pkey" PRIMARY KEY ("providerInstanceId","productId")
);

