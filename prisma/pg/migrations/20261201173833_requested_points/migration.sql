-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "requestedPoints" INTEGER NOT NULL DEFAULT 0;

