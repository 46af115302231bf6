-- The cases of one trade. A dispute that arrives makes the insights trigger re-key the earlier
-- refunds of its trade; without this index each dispute read every refund of the merchant
-- ("merchantId", kind, "createdAt") and filtered on the trade: 4.3 s for 1,111 disputes among
-- 30,000 cases, and growing with the merchant's history.
-- CreateIndex
CREATE INDEX "Case_merchantId_outTradeNo_idx" ON "Case"("merchantId", "outTradeNo");
