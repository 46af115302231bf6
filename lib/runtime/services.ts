import { createAlipayClient, type AlipayClient } from "../alipay/client";
import { fenToYuan } from "../alipay/money";
import { prismaLedger } from "../alipay/ledger";
import { dbRateLimiter } from "../alipay/rate-limit";
import { connection } from "../db";
import { handleComplaintNotification } from "../disputes/notifications";
import { loadEnv } from "../env";
import { log } from "../observability/log";
import { meteredLedger } from "../observability/metrics";
import type { Sandbox } from "../sandbox/server";
import type { WorkflowDeps } from "../workflows/deps";
import { resolveGateway } from "./gateway";
import { secrets } from "./secrets";

export interface Services {
  deps: WorkflowDeps;
  client: AlipayClient;
  alipayPublicKey: string;
  sandbox: Sandbox | null;
}

const holder = globalThis as typeof globalThis & { __consoleServices?: Promise<Services> };

async function build(): Promise<Services> {
  const env = loadEnv();
  const conn = await connection();
  // The sandbox delivers complaint notifications in-process, through the same handler as the route.
  const { config, sandbox } = await resolveGateway(env, async (n) => {
    const answer = await handleComplaintNotification(conn.prisma, client, config.alipayPublicKey, n.params);
    if (answer.status !== 200) throw new Error(answer.reason);
  });
  const client = createAlipayClient({
    ...config,
    timeoutMs: env.AI_TIMEOUT_MS,
    ledger: meteredLedger(prismaLedger(conn.prisma)),
    rateLimiter: dbRateLimiter(conn.runner, { perMinute: env.AI_RATE_LIMIT_PER_MINUTE }),
    onLedgerError: (err) => log.error("ledger write failed", { err }),
  });
  return { deps: { prisma: conn.prisma, client, reasoningKey: secrets(env).reasoningKeyring }, client, alipayPublicKey: config.alipayPublicKey, sandbox };
}

/** The process's Alipay client, workflow dependencies and (embedded) sandbox. */
export function services(): Promise<Services> {
  holder.__consoleServices ??= build().catch((err) => {
    holder.__consoleServices = undefined;
    throw err;
  });
  return holder.__consoleServices;
}

/** The sandbox stands in for the merchant's Alipay account: tell it about trades of open cases. */
export async function registerOpenTrades(s: Services) {
  if (!s.sandbox) return 0;
  const open = await s.deps.prisma.case.findMany({
    where: { kind: "REFUND", status: { in: ["NEW", "ASSESSING", "REVIEW", "ESCALATED", "APPROVED", "EXECUTING", "FAILED"] } },
    select: { outTradeNo: true, tradeNo: true, paidAmountFen: true },
  });
  for (const c of open) {
    s.sandbox.createTrade({ out_trade_no: c.outTradeNo, total_amount: fenToYuan(c.paidAmountFen), ...(c.tradeNo && { trade_no: c.tradeNo }) });
  }
  const disputes = await s.deps.prisma.case.findMany({
    where: { kind: "DISPUTE", status: { in: ["REVIEW", "ESCALATED", "EXECUTING", "FAILED"] }, complainEventId: { not: null } },
    select: { outTradeNo: true, tradeNo: true, paidAmountFen: true, complainEventId: true, reasonText: true },
  });
  const known = new Set(s.sandbox.state().complaints.map((x) => x.complain_event_id));
  for (const d of disputes) {
    if (known.has(d.complainEventId!)) continue;
    s.sandbox.createTrade({ out_trade_no: d.outTradeNo, total_amount: fenToYuan(d.paidAmountFen), ...(d.tradeNo && { trade_no: d.tradeNo }) });
    s.sandbox.createComplaint({ complain_event_id: d.complainEventId!, out_trade_no: d.outTradeNo, complain_reason: d.reasonText });
  }
  return open.length + disputes.length;
}
