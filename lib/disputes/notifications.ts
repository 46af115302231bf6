import { actsFor } from "../alipay/app-auth";
import type { AlipayClient } from "../alipay/client";
import type { PrismaClient } from "../generated/prisma/client";
import { ingestComplaint, verifyComplaintNotification } from "./intake";

export type NotificationAnswer = { status: 200; body: "success" } | { status: 400; body: "fail"; reason: string };

/** Alipay retries until it reads "success"; a notification that does not verify changes nothing. */
export async function handleComplaintNotification(prisma: PrismaClient, client: AlipayClient, alipayPublicKey: string, params: Record<string, string>): Promise<NotificationAnswer> {
  const verified = verifyComplaintNotification(params, alipayPublicKey);
  if (!verified) return { status: 400, body: "fail", reason: "signature or message did not verify" };
  const merchant = await prisma.merchant.findUnique({ where: { alipayAppId: verified.appId }, select: { id: true, alipayAppId: true, alipayAppAuthToken: true } });
  if (!merchant) return { status: 400, body: "fail", reason: `no merchant uses app ${verified.appId}` };
  // Only a merchant our app can ask about the complaint: its own, or one that authorized it.
  if (!actsFor(merchant, client.appId)) return { status: 400, body: "fail", reason: `app ${verified.appId} has not authorized this app` };
  await ingestComplaint(prisma, client, merchant.id, verified.complainEventId);
  return { status: 200, body: "success" };
}
