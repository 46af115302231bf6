import type { PrismaClient } from "../generated/prisma/client";

/**
 * The app_auth_token to call Alipay with for a merchant: the one Alipay issued when the merchant
 * authorized our app to act for it, or null when the app is the merchant's own. Read from the
 * database and kept for `ttlMs` (tokens change rarely; a call per minute per merchant reads it).
 */
export function merchantAppAuthTokens(prisma: PrismaClient, ttlMs = 60_000) {
  const cache = new Map<string, { token: string | null; until: number }>();
  return async (merchantId: string): Promise<string | null> => {
    const hit = cache.get(merchantId);
    if (hit && hit.until > Date.now()) return hit.token;
    const m = await prisma.merchant.findUnique({ where: { id: merchantId }, select: { alipayAppId: true, alipayAppAuthToken: true } });
    // a token means nothing without the merchant app it stands for
    const token = m?.alipayAppId && m.alipayAppAuthToken ? m.alipayAppAuthToken : null;
    cache.set(merchantId, { token, until: Date.now() + ttlMs });
    return token;
  };
}
