import { handleComplaintNotification } from "@/lib/disputes/notifications";
import { services } from "@/lib/runtime/services";
import { log } from "@/lib/observability/log";

export const dynamic = "force-dynamic";

/** Alipay's asynchronous notifications (form-encoded, classic RSA2 signature). */
export async function POST(req: Request) {
  let params: Record<string, string>;
  try {
    const form = new URLSearchParams(await req.text());
    params = Object.fromEntries(form.entries());
  } catch {
    return new Response("fail", { status: 400 });
  }
  const s = await services();
  const answer = await handleComplaintNotification(s.deps.prisma, s.client, s.alipayPublicKey, params);
  if (answer.status !== 200) log.warn("alipay notification refused", { reason: answer.reason });
  return new Response(answer.body, { status: answer.status, headers: { "content-type": "text/plain" } });
}
