-- AlterTable
ALTER TABLE "ApiCall" ADD COLUMN     "feeRef" TEXT;

-- A refund's transaction fee is charged once, however many runs see the refund succeed: the
-- ledger refuses a second fee row for the same refund (the writer records that call with fee 0).
CREATE UNIQUE INDEX "ApiCall_fee_once" ON "ApiCall"("merchantId", "feeRef") WHERE "feeCny" > 0;
