import type { PrismaClient } from "../generated/prisma/client";
import { BusinessError } from "./errors";

/** A merchant our app may not act for: nothing is signed or sent for it. */
export class MerchantNotConnectedError extends BusinessError {
  constructor(merchantId: string, why: string) {
    super("merchant-not-connected", null, `merchant ${merchantId} ${why}; nothing was sent to Alipay`);
  }
}

type MerchantApp = { alipayAppId: string | null; alipayAppAuthToken: string | null };

/** Our app can act for this merchant: it is the merchant's own app, or the merchant authorized it. */
export function actsFor(m: MerchantApp, appId: string): boolean {
  return m.alipayAppId === appId || (!!m.alipayAppId && !!m.alipayAppAuthToken);
}

/**
 * Whom a call for a merchant acts as (decision 009):
 * - the merchant whose Alipay app ours is (`alipayAppId` = our app id): our app itself, no token;
 * - a merchant that authorized our app: its `app_auth_token`;
 * - a merchant with no app id, while no merchant claims ours: our app itself (a deployment for one
 *   merchant that never named its app);
 * - anyone else (another app and no token, a revoked token, no app id beside an own merchant, an
 *   unknown merchant): refused with MerchantNotConnectedError, so no call lands on the wrong account.
 * Definite answers are kept for `ttlMs`; refusals and the no-app-id case are read again every call,
 * so connecting a merchant takes effect at once.
 */
export function merchantAppAuthTokens(prisma: PrismaClient, appId: string, ttlMs = 60_000) {
  const cache = new Map<string, { token: string | null; until: number }>();
  return async (merchantId: string): Promise<string | null> => {
    const hit = cache.get(merchantId);
    if (hit && hit.until > Date.now()) return hit.token;
    const m = await prisma.merchant.findUnique({ where: { id: merchantId }, select: { alipayAppId: true, alipayAppAuthToken: true } });
    if (!m) throw new MerchantNotConnectedError(merchantId, "does not exist");
    let token: string | null;
    if (m.alipayAppId === appId) token = null;
    else if (m.alipayAppId && m.alipayAppAuthToken) token = m.alipayAppAuthToken;
    else if (m.alipayAppId) throw new MerchantNotConnectedError(merchantId, `uses Alipay app ${m.alipayAppId}, which has not authorized app ${appId} (no app_auth_token)`);
    else if (await prisma.merchant.findUnique({ where: { alipayAppId: appId }, select: { id: true } })) {
      throw new MerchantNotConnectedError(merchantId, `has no Alipay app, and app ${appId} belongs to another merchant`);
    } else return null;
    cache.set(merchantId, { token, until: Date.now() + ttlMs });
    return token;
  };
}
