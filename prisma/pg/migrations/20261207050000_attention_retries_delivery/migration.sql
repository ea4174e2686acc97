-- Attention records carry what the gateway retries (the vendor status, the error code, attempts and the
-- next try), orders what became of their delivery and the lines as placed when the florist changed them.
ALTER TABLE "Order" ADD COLUMN "deliveryStatus" TEXT;
ALTER TABLE "Order" ADD COLUMN "deliveryStatusAt" TIMESTAMP(3);
ALTER TABLE "Order" ADD COLUMN "placedLines" TEXT;
ALTER TABLE "OrderAttention" ADD COLUMN "vendorStatus" TEXT;
ALTER TABLE "OrderAttention" ADD COLUMN "errorCode" TEXT;
ALTER TABLE "OrderAttention" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "OrderAttention" ADD COLUMN "nextRetryAt" TIMESTAMP(3);
CREATE INDEX "OrderAttention_settledAt_nextRetryAt_idx" ON "OrderAttention"("settledAt", "nextRetryAt");
CREATE INDEX "Order_status_updatedAt_idx" ON "Order"("status", "updatedAt");
