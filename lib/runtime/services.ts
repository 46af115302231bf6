import { createAlipayClient, type AlipayClient } from "../alipay/client";
import { fenToYuan } from "../alipay/money";
import { merchantAppAuthTokens } from "../alipay/app-auth";
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
    appAuthTokenFor: merchantAppAuthTokens(conn.prisma, config.appId),
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

/** Where the sandbox keeps a merchant's trades and complaints: under its app when our app acts for it by token, else as the app's own. */
export function sandboxScope(m: { alipayAppId: string | null; alipayAppAuthToken: string | null } | null): { auth_app_id?: string } {
  return m?.alipayAppId && m.alipayAppAuthToken ? { auth_app_id: m.alipayAppId } : {};
}

/**
 * The sandbox stands in for the merchants' Alipay accounts: tell it which merchants our app acts
 * for, and about the trades and complaints of open cases, each under its own merchant.
 */
export async function registerOpenTrades(s: Services) {
  if (!s.sandbox) return 0;
  const sandbox = s.sandbox;
  const scopes = new Map<string, { auth_app_id?: string }>();
  for (const m of await s.deps.prisma.merchant.findMany({ select: { id: true, alipayAppId: true, alipayAppAuthToken: true } })) {
    if (m.alipayAppId && m.alipayAppAuthToken) sandbox.authorize(m.alipayAppId, m.alipayAppAuthToken);
    scopes.set(m.id, sandboxScope(m));
  }
  const scope = (merchantId: string) => scopes.get(merchantId) ?? {};
  const open = await s.deps.prisma.case.findMany({
    where: { kind: "REFUND", status: { in: ["NEW", "ASSESSING", "REVIEW", "ESCALATED", "APPROVED", "EXECUTING", "FAILED"] } },
    select: { merchantId: true, outTradeNo: true, tradeNo: true, paidAmountFen: true },
  });
  // One record the sandbox already holds differently (a state file older than the database) is
  // logged and skipped: it must not keep the console from starting.
  const tell = (what: string, register: () => unknown) => {
    try {
      register();
    } catch (err) {
      log.warn("sandbox did not take a record", { what, err });
    }
  };
  for (const c of open) {
    tell(c.outTradeNo, () => sandbox.createTrade({ out_trade_no: c.outTradeNo, total_amount: fenToYuan(c.paidAmountFen), ...(c.tradeNo && { trade_no: c.tradeNo }), ...scope(c.merchantId) }));
  }
  const disputes = await s.deps.prisma.case.findMany({
    where: { kind: "DISPUTE", status: { in: ["REVIEW", "ESCALATED", "EXECUTING", "FAILED"] }, complainEventId: { not: null } },
    select: { merchantId: true, outTradeNo: true, tradeNo: true, paidAmountFen: true, complainEventId: true, reasonText: true },
  });
  const known = new Set(sandbox.state().complaints.map((x) => x.complain_event_id));
  for (const d of disputes) {
    if (known.has(d.complainEventId!)) continue;
    tell(d.outTradeNo, () => sandbox.createTrade({ out_trade_no: d.outTradeNo, total_amount: fenToYuan(d.paidAmountFen), ...(d.tradeNo && { trade_no: d.tradeNo }), ...scope(d.merchantId) }));
    tell(d.complainEventId!, () => sandbox.createComplaint({ complain_event_id: d.complainEventId!, out_trade_no: d.outTradeNo, complain_reason: d.reasonText, ...scope(d.merchantId) }));
  }
  return open.length + disputes.length;
}
