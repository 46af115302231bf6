import { z } from "zod";
import { business, invalidParameter } from "./errors";
import { formatAlipayTime, formatFen, parseYuan } from "./money";
import { TRADE_STATUSES, type SandboxStore, type Scope, type TradeRecord } from "./store";

const yuan = z.string().refine((s) => parseYuan(s) !== null, "must be a yuan amount with at most 2 decimals");
const tradeRef = {
  out_trade_no: z.string().min(1).max(64).optional(),
  trade_no: z.string().min(1).max(64).optional(),
};

export const refundRequestSchema = z
  .object({
    ...tradeRef,
    refund_amount: yuan,
    refund_reason: z.string().max(256).optional(),
    out_request_no: z.string().min(1).max(64).optional(),
  })
  .refine((b) => b.out_trade_no || b.trade_no, "out_trade_no or trade_no is required");

export const refundQuerySchema = z
  .object({ ...tradeRef, out_request_no: z.string().min(1).max(64).optional() })
  .refine((b) => b.out_trade_no || b.trade_no, "out_trade_no or trade_no is required");

export const createTradeSchema = z.object({
  out_trade_no: z.string().min(1).max(64),
  total_amount: yuan,
  trade_no: z.string().min(1).max(64).optional(),
  status: z.enum(TRADE_STATUSES).optional(),
  allow_partial_refund: z.boolean().optional(),
  /** the merchant app the trade belongs to, when the calling app acts for merchants by app_auth_token */
  auth_app_id: z.string().min(1).max(32).optional(),
});
export type CreateTradeInput = z.input<typeof createTradeSchema>;

export interface TradeView {
  out_trade_no: string;
  trade_no: string;
  total_amount: string;
  refund_fee: string;
  status: TradeRecord["status"];
  allow_partial_refund: boolean;
  refunds: Array<{ out_request_no: string; refund_amount: string; refund_reason: string; gmt_refund_pay: string }>;
}

export function tradeView(t: TradeRecord): TradeView {
  return {
    out_trade_no: t.outTradeNo,
    trade_no: t.tradeNo,
    total_amount: formatFen(t.totalFen),
    refund_fee: formatFen(t.refundedFen),
    status: t.status,
    allow_partial_refund: t.allowPartialRefund,
    refunds: t.refunds.map((r) => ({
      out_request_no: r.outRequestNo,
      refund_amount: formatFen(r.refundFen),
      refund_reason: r.refundReason,
      gmt_refund_pay: formatAlipayTime(r.gmtRefundPay),
    })),
  };
}

/** Idempotent for identical input, so seeding on every start is safe. */
export function createTrade(store: SandboxStore, input: CreateTradeInput, now: number): TradeView {
  const parsed = createTradeSchema.safeParse(input);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  const body = parsed.data;
  const totalFen = parseYuan(body.total_amount) ?? 0;
  if (totalFen <= 0) throw invalidParameter("total_amount must be positive");
  const existing = store.trades.get(body.out_trade_no);
  if (existing) {
    if (existing.totalFen !== totalFen || (body.trade_no && body.trade_no !== existing.tradeNo) || existing.authAppId !== (body.auth_app_id ?? null)) {
      throw business("TRADE_ALREADY_EXISTS", `trade ${body.out_trade_no} exists with different parameters`);
    }
    return tradeView(existing);
  }
  const trade: TradeRecord = {
    outTradeNo: body.out_trade_no,
    tradeNo: body.trade_no ?? store.nextId("2200", now),
    totalFen,
    refundedFen: 0,
    status: body.status ?? "TRADE_SUCCESS",
    allowPartialRefund: body.allow_partial_refund ?? true,
    createdAt: now,
    refunds: [],
    authAppId: body.auth_app_id ?? null,
  };
  store.putTrade(trade);
  return tradeView(trade);
}

export function refund(store: SandboxStore, input: unknown, now: number, scope: Scope) {
  const parsed = refundRequestSchema.safeParse(input);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  const body = parsed.data;
  const trade = store.findTrade({ outTradeNo: body.out_trade_no, tradeNo: body.trade_no }, scope);
  if (!trade) throw business("ACQ.TRADE_NOT_EXIST", "trade does not exist");
  const amountFen = parseYuan(body.refund_amount) ?? 0;
  const reason = body.refund_reason ?? "";
  // Alipay defaults out_request_no to the trade number: one full refund per trade
  const outRequestNo = body.out_request_no ?? trade.outTradeNo;

  const answer = (fundChange: "Y" | "N", sendBackFen: number, at: number) => ({
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    buyer_logon_id: "sbx***@example.com",
    refund_fee: formatFen(trade.refundedFen),
    fund_change: fundChange,
    gmt_refund_pay: formatAlipayTime(at),
    send_back_fee: formatFen(sendBackFen),
  });

  const previous = trade.refunds.find((r) => r.outRequestNo === outRequestNo);
  if (previous) {
    if (previous.refundFen !== amountFen || previous.refundReason !== reason) {
      throw business("ACQ.DISCORDANT_REPEAT_REQUEST", `out_request_no ${outRequestNo} was used with different parameters`);
    }
    return answer("N", 0, previous.gmtRefundPay);
  }
  if (amountFen <= 0) throw business("ACQ.REASON_TRADE_REFUND_FEE_ERR", "refund_amount must be positive");
  if (trade.status !== "TRADE_SUCCESS") throw business("ACQ.TRADE_STATUS_ERROR", `trade status is ${trade.status}`);
  if (!trade.allowPartialRefund && amountFen !== trade.totalFen) {
    throw business("ACQ.NOT_ALLOW_PARTIAL_REFUND", "this trade only allows a full refund");
  }
  if (trade.refundedFen + amountFen > trade.totalFen) {
    throw business(
      "ACQ.REASON_TRADE_REFUND_FEE_ERR",
      `refund would exceed the paid amount (paid ${formatFen(trade.totalFen)}, refunded ${formatFen(trade.refundedFen)})`,
    );
  }
  if (store.sellerBalanceFen !== null && store.sellerBalanceFen < amountFen) {
    throw business("ACQ.SELLER_BALANCE_NOT_ENOUGH", "seller balance is not enough");
  }

  if (store.sellerBalanceFen !== null) store.sellerBalanceFen -= amountFen;
  trade.refundedFen += amountFen;
  trade.refunds.push({ outRequestNo, refundFen: amountFen, refundReason: reason, gmtRefundPay: now });
  if (trade.refundedFen === trade.totalFen) trade.status = "TRADE_CLOSED";
  store.putTrade(trade);
  return answer("Y", amountFen, now);
}

export function queryRefund(store: SandboxStore, input: unknown, scope: Scope) {
  const parsed = refundQuerySchema.safeParse(input);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  const body = parsed.data;
  const trade = store.findTrade({ outTradeNo: body.out_trade_no, tradeNo: body.trade_no }, scope);
  if (!trade) throw business("ACQ.TRADE_NOT_EXIST", "trade does not exist");
  const outRequestNo = body.out_request_no ?? trade.outTradeNo;
  const found = trade.refunds.find((r) => r.outRequestNo === outRequestNo);
  const base = { trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, out_request_no: outRequestNo };
  // no refund_status means "not received or failed", as on Alipay
  if (!found) return base;
  return {
    ...base,
    total_amount: formatFen(trade.totalFen),
    refund_amount: formatFen(found.refundFen),
    refund_reason: found.refundReason,
    refund_status: "REFUND_SUCCESS" as const,
    gmt_refund_pay: formatAlipayTime(found.gmtRefundPay),
  };
}
