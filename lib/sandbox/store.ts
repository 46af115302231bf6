import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Trades, refunds and complaints: the sandbox's bookkeeping, optionally persisted as JSON. */

export const TRADE_STATUSES = ["WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FINISHED"] as const;
export const COMPLAINT_STATUSES = [
  "MERCHANT_PROCESSING",
  "MERCHANT_FEEDBACKED",
  "FINISHED",
  "CANCELLED",
  "PLATFORM_PROCESSING",
  "PLATFORM_FINISH",
  "CLOSED",
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

const refundSchema = z.object({
  outRequestNo: z.string(),
  refundFen: z.number().int(),
  refundReason: z.string(),
  gmtRefundPay: z.number(),
});
export type RefundRecord = z.infer<typeof refundSchema>;

const tradeSchema = z.object({
  outTradeNo: z.string(),
  tradeNo: z.string(),
  totalFen: z.number().int(),
  refundedFen: z.number().int(),
  status: z.enum(TRADE_STATUSES),
  allowPartialRefund: z.boolean(),
  createdAt: z.number(),
  refunds: z.array(refundSchema),
  /** the merchant app an ISV acts for (app_auth_token); null for the calling app's own trades */
  authAppId: z.string().nullable().default(null),
});
export type TradeRecord = z.infer<typeof tradeSchema>;
/** Whose records a call may see: the merchant app its app_auth_token stands for, or null (the app's own). */
export type Scope = string | null;

const feedbackSchema = z.object({
  feedbackCode: z.string(),
  feedbackContent: z.string(),
  feedbackImages: z.array(z.string()),
  operator: z.string().optional(),
  at: z.number(),
});

const complaintSchema = z.object({
  complainEventId: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  tradeNo: z.string(),
  merchantOrderNo: z.string(),
  tradeFen: z.number().int(),
  complainFen: z.number().int(),
  complainReason: z.string(),
  content: z.string(),
  images: z.array(z.string()),
  gmtCreate: z.number(),
  gmtModified: z.number(),
  feedbacks: z.array(feedbackSchema),
  /** as on trades: whose complaint it is, seen only by calls made for that merchant */
  authAppId: z.string().nullable().default(null),
});
export type ComplaintRecord = z.infer<typeof complaintSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  trades: z.array(tradeSchema),
  complaints: z.array(complaintSchema),
  sellerBalanceFen: z.number().int().nullable(),
  sequence: z.number().int(),
  /** app_auth_token -> the merchant app id it was issued for */
  authorizations: z.record(z.string(), z.string()).default({}),
});

export class SandboxStore {
  readonly trades = new Map<string, TradeRecord>();
  private readonly tradeNoIndex = new Map<string, string>();
  readonly complaints = new Map<string, ComplaintRecord>();
  /** app_auth_token -> merchant app id: the merchants an ISV app may act for */
  readonly authorizations = new Map<string, string>();
  /** null = unlimited; refunds draw it down so ACQ.SELLER_BALANCE_NOT_ENOUGH is reachable */
  sellerBalanceFen: number | null = null;
  private sequence = 0;

  constructor(private readonly file?: string) {
    if (file) this.load(file);
  }

  nextId(prefix: string, now: number): string {
    this.sequence += 1;
    const d = new Date(now + 8 * 3_600_000);
    const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
    return `${ymd}${prefix}${String(this.sequence).padStart(10, "0")}`;
  }

  putTrade(trade: TradeRecord): void {
    const previous = this.trades.get(trade.outTradeNo);
    if (previous) this.tradeNoIndex.delete(previous.tradeNo);
    this.trades.set(trade.outTradeNo, trade);
    this.tradeNoIndex.set(trade.tradeNo, trade.outTradeNo);
    this.save();
  }

  /** A trade of this scope only: another merchant's trade does not exist for the caller. */
  findTrade(ref: { outTradeNo?: string; tradeNo?: string }, scope: Scope): TradeRecord | undefined {
    const byOut = ref.outTradeNo ? this.trades.get(ref.outTradeNo) : undefined;
    const out = ref.tradeNo ? this.tradeNoIndex.get(ref.tradeNo) : undefined;
    const found = byOut ? (ref.tradeNo && byOut.tradeNo !== ref.tradeNo ? undefined : byOut) : out ? this.trades.get(out) : undefined;
    return found && found.authAppId === scope ? found : undefined;
  }

  /** A complaint of this scope only, like findTrade. */
  findComplaint(id: string, scope: Scope): ComplaintRecord | undefined {
    const c = this.complaints.get(id);
    return c && c.authAppId === scope ? c : undefined;
  }

  /** Records an app_auth_token for a merchant app (Alipay issues it when the merchant authorizes the app). */
  authorize(token: string, authAppId: string): void {
    const known = this.authorizations.get(token);
    if (known === authAppId) return;
    if (known) throw new Error(`app_auth_token is already issued for app ${known}`);
    this.authorizations.set(token, authAppId);
    this.save();
  }

  putComplaint(complaint: ComplaintRecord): void {
    this.complaints.set(complaint.complainEventId, complaint);
    this.save();
  }

  reset(): void {
    this.trades.clear();
    this.tradeNoIndex.clear();
    this.complaints.clear();
    // authorizations stay: like the app's keys, they are configuration, not traffic
    this.sellerBalanceFen = null;
    this.save();
  }

  /** Synchronous write-then-rename after every change: a crash never leaves half a file. */
  save(): void {
    if (!this.file) return;
    const data: z.infer<typeof fileSchema> = {
      version: 1,
      trades: [...this.trades.values()],
      complaints: [...this.complaints.values()],
      sellerBalanceFen: this.sellerBalanceFen,
      sequence: this.sequence,
      authorizations: Object.fromEntries(this.authorizations),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2));
    renameSync(tmp, this.file);
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return;
    }
    const data = fileSchema.parse(JSON.parse(text));
    for (const t of data.trades) {
      this.trades.set(t.outTradeNo, t);
      this.tradeNoIndex.set(t.tradeNo, t.outTradeNo);
    }
    for (const c of data.complaints) this.complaints.set(c.complainEventId, c);
    this.sellerBalanceFen = data.sellerBalanceFen;
    this.sequence = data.sequence;
    for (const [token, appId] of Object.entries(data.authorizations)) this.authorizations.set(token, appId);
  }
}
