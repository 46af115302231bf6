-- The app_auth_token Alipay issued when the merchant authorized our app to act for it (the
-- third-party app model). Calls for the merchant carry it, and Alipay answers with that merchant's
-- trades and complaints only. Null: the app is the merchant's own and calls as itself.
ALTER TABLE "Merchant" ADD COLUMN "alipayAppAuthToken" TEXT;
-- One token, one merchant: two merchants sharing a token would act on one account.
CREATE UNIQUE INDEX "Merchant_alipayAppAuthToken_key" ON "Merchant"("alipayAppAuthToken");
