import { randomUUID } from "node:crypto";
import { fenToYuan } from "../alipay/money";
import { createRefundRequest } from "../intake/service";
import { actsFor } from "../alipay/app-auth";
import { sandboxScope, type Services } from "../runtime/services";
import { DEMO_MERCHANTS } from "./accounts";
import { rng } from "./rng";
import { log } from "../observability/log";

const REASONS = ["商品与描述不符", "未收到货", "包装破损", "Item arrived broken", "不想要了", "Wrong size"];
const CATEGORIES: Record<string, string[]> = { "m-teahouse": ["tea", "teaware", "gift_box"], "m-gadgets": ["electronics", "accessories", "digital_goods"] };

/**
 * Keeps the embedded demo alive: the merchants' systems send a refund request every few
 * seconds (through the same intake as the API), and now and then a buyer complains to Alipay.
 */
export function startTrickle(s: Services, { intervalMs = 20_000, signal }: { intervalMs?: number; signal: AbortSignal }) {
  if (!s.sandbox) return;
  const sandbox = s.sandbox;
  const r = rng(Date.now() % 1_000_000);
  let tick = 0;
  const timer = setInterval(async () => {
    try {
      tick++;
      const merchant = r.pick(DEMO_MERCHANTS);
      const outTradeNo = `LIVE${Date.now()}${r.int(100, 999)}`;
      const paid = r.chance(0.1) ? r.int(20_100, 90_000) : r.int(990, 19_900);
      // The trade (and a complaint about it) is the merchant's: one our app acts for by token, or the app's own.
      const account = await s.deps.prisma.merchant.findUnique({ where: { id: merchant.id }, select: { alipayAppId: true, alipayAppAuthToken: true } });
      const scope = sandboxScope(account);
      sandbox.createTrade({ out_trade_no: outTradeNo, total_amount: fenToYuan(paid), ...scope });
      if (tick % 4 === 0 && account && actsFor(account, s.client.appId)) {
        sandbox.createComplaint({ out_trade_no: outTradeNo, complain_reason: r.pick(REASONS), complain_amount: fenToYuan(paid), ...scope });
        return;
      }
      await createRefundRequest(s.deps.prisma, merchant.id, randomUUID(), {
        out_trade_no: outTradeNo,
        paid_amount: fenToYuan(paid),
        refund_amount: fenToYuan(r.chance(0.8) ? paid : Math.max(100, Math.round(paid / 200) * 100)),
        currency: "CNY",
        reason: r.pick(REASONS),
        customer: { id: `2088${r.int(10_000_000, 99_999_999)}`, device_fingerprint: randomUUID().slice(0, 16) },
        merchant_category: r.pick(CATEGORIES[merchant.id]!),
        cross_border: r.chance(0.1),
        locale: r.chance(0.7) ? "zh-CN" : "en",
      });
    } catch (err) {
      log.error("demo trickle failed", { err });
    }
  }, intervalMs);
  signal.addEventListener("abort", () => clearInterval(timer));
}
