-- AlterTable
ALTER TABLE "Merchant" ADD COLUMN     "alipayAppId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Merchant_alipayAppId_key" ON "Merchant"("alipayAppId");
