import { z } from "zod";
import { ApiError, invalidParameter } from "./errors";
import { formatAlipayTime, formatFen, parseAlipayTime, parseYuan } from "./money";
import { COMPLAINT_STATUSES, type ComplaintRecord, type ComplaintStatus, type SandboxStore, type Scope } from "./store";

const yuan = z.string().refine((s) => parseYuan(s) !== null, "must be a yuan amount with at most 2 decimals");
const alipayTime = z.string().refine((s) => parseAlipayTime(s) !== null, "must be yyyy-MM-dd HH:mm:ss");

export const batchQuerySchema = z.object({
  begin_time: alipayTime.optional(),
  end_time: alipayTime.optional(),
  page_num: z.number().int().min(1).default(1),
  page_size: z.number().int().min(1).max(20).default(10),
  status: z.enum(COMPLAINT_STATUSES).optional(),
});

export const FEEDBACK_CODES = ["00", "02", "03", "04", "05", "06"] as const;

export const feedbackSchema = z.object({
  complain_event_id: z.string().min(1).max(64),
  feedback_code: z.enum(FEEDBACK_CODES),
  feedback_content: z.string().min(1).max(200),
  // Alipay takes a comma-separated string of image ids; an array is accepted too
  feedback_images: z.union([z.string(), z.array(z.string())]).optional(),
  operator: z.string().max(6).optional(),
});

export const createComplaintSchema = z.object({
  complain_event_id: z.string().min(1).max(64).optional(),
  out_trade_no: z.string().min(1).max(64).optional(),
  trade_no: z.string().min(1).max(64).optional(),
  trade_amount: yuan.optional(),
  complain_amount: yuan.optional(),
  complain_reason: z.string().max(200).optional(),
  content: z.string().max(2000).optional(),
  images: z.array(z.string()).optional(),
  status: z.enum(COMPLAINT_STATUSES).optional(),
  /** the merchant app complained about, when the calling app acts for merchants by app_auth_token */
  auth_app_id: z.string().min(1).max(32).optional(),
});
export type CreateComplaintInput = z.input<typeof createComplaintSchema>;

export interface ComplaintView {
  complain_event_id: string;
  status: ComplaintStatus;
  trade_no: string;
  merchant_order_no: string;
  trade_amount: string;
  complain_amount: string;
  complain_reason: string;
  content: string;
  images: string[];
  gmt_create: string;
  gmt_modified: string;
  feedbacks: Array<{ feedback_code: string; feedback_content: string; feedback_images: string[]; operator?: string; gmt_create: string }>;
}

export function complaintView(c: ComplaintRecord): ComplaintView {
  return {
    complain_event_id: c.complainEventId,
    status: c.status,
    trade_no: c.tradeNo,
    merchant_order_no: c.merchantOrderNo,
    trade_amount: formatFen(c.tradeFen),
    complain_amount: formatFen(c.complainFen),
    complain_reason: c.complainReason,
    content: c.content,
    images: c.images,
    gmt_create: formatAlipayTime(c.gmtCreate),
    gmt_modified: formatAlipayTime(c.gmtModified),
    feedbacks: c.feedbacks.map((f) => ({
      feedback_code: f.feedbackCode,
      feedback_content: f.feedbackContent,
      feedback_images: f.feedbackImages,
      operator: f.operator,
      gmt_create: formatAlipayTime(f.at),
    })),
  };
}

const notFound = (id: string) => new ApiError(404, "COMPLAIN_EVENT_NOT_EXIST", `complaint ${id} does not exist`);

export function createComplaint(store: SandboxStore, input: CreateComplaintInput, now: number): ComplaintRecord {
  const parsed = createComplaintSchema.safeParse(input);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  const body = parsed.data;
  const scope = body.auth_app_id ?? null;
  const trade = store.findTrade({ outTradeNo: body.out_trade_no, tradeNo: body.trade_no }, scope);
  const tradeFen = body.trade_amount ? (parseYuan(body.trade_amount) ?? 0) : (trade?.totalFen ?? 10_000);
  const complaint: ComplaintRecord = {
    complainEventId: body.complain_event_id ?? store.nextId("CE", now),
    status: body.status ?? "MERCHANT_PROCESSING",
    tradeNo: trade?.tradeNo ?? body.trade_no ?? store.nextId("2200", now),
    merchantOrderNo: trade?.outTradeNo ?? body.out_trade_no ?? store.nextId("MO", now),
    tradeFen,
    complainFen: body.complain_amount ? (parseYuan(body.complain_amount) ?? 0) : tradeFen,
    complainReason: body.complain_reason ?? "商品未收到",
    content: body.content ?? "付款后一直没有收到货，联系商家也没有回复。",
    images: body.images ?? [],
    gmtCreate: now,
    gmtModified: now,
    feedbacks: [],
    authAppId: scope,
  };
  store.putComplaint(complaint);
  return complaint;
}

export function setComplaintStatus(store: SandboxStore, id: string, status: ComplaintStatus, now: number): ComplaintRecord {
  const c = store.complaints.get(id);
  if (!c) throw notFound(id);
  c.status = status;
  c.gmtModified = now;
  store.putComplaint(c);
  return c;
}

export function batchQuery(store: SandboxStore, input: unknown, scope: Scope) {
  const parsed = batchQuerySchema.safeParse(input);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  const q = parsed.data;
  const begin = q.begin_time ? (parseAlipayTime(q.begin_time) ?? 0) : -Infinity;
  const end = q.end_time ? (parseAlipayTime(q.end_time) ?? 0) : Infinity;
  const matching = [...store.complaints.values()]
    .filter((c) => c.authAppId === scope && c.gmtCreate >= begin && c.gmtCreate <= end && (!q.status || c.status === q.status))
    .sort((a, b) => b.gmtCreate - a.gmtCreate || b.complainEventId.localeCompare(a.complainEventId));
  const page = matching.slice((q.page_num - 1) * q.page_size, q.page_num * q.page_size);
  return {
    page_num: q.page_num,
    page_size: q.page_size,
    total_size: matching.length,
    trade_complain_infos: page.map(complaintView),
  };
}

export function getComplaint(store: SandboxStore, id: string, scope: Scope): ComplaintView {
  const c = store.findComplaint(id, scope);
  if (!c) throw notFound(id);
  return complaintView(c);
}

/**
 * The sandbox's stand-in for Alipay's review of a reply: one that takes the customer off Alipay
 * (another messenger, a phone number) is refused, so a refused reply sent again unchanged is
 * refused again.
 */
export const OFF_PLATFORM = /微信|加我|\bQQ\b|\bwechat\b|\bwhatsapp\b|\btelegram\b|(?<!\d)1[3-9]\d{9}(?!\d)/i;

/** Returns the complaint and whether it changed (a repeat of the same feedback is a no-op). */
export function feedback(store: SandboxStore, input: unknown, now: number, scope: Scope): { complaint: ComplaintRecord; changed: boolean } {
  const parsed = feedbackSchema.safeParse(input);
  if (!parsed.success) throw invalidParameter(z.prettifyError(parsed.error));
  const body = parsed.data;
  const c = store.findComplaint(body.complain_event_id, scope);
  if (!c) throw notFound(body.complain_event_id);
  if (OFF_PLATFORM.test(body.feedback_content)) {
    throw new ApiError(400, "INVALID_PARAMETER", "feedback_content must not ask the customer to leave Alipay");
  }
  const images = Array.isArray(body.feedback_images)
    ? body.feedback_images
    : (body.feedback_images ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const last = c.feedbacks.at(-1);
  if (c.status === "MERCHANT_FEEDBACKED" && last && last.feedbackCode === body.feedback_code && last.feedbackContent === body.feedback_content) {
    return { complaint: c, changed: false };
  }
  if (c.status !== "MERCHANT_PROCESSING" && c.status !== "MERCHANT_FEEDBACKED") {
    throw new ApiError(400, "COMPLAIN_STATUS_NOT_ALLOWED", `complaint is ${c.status}; feedback is not accepted`);
  }
  c.feedbacks.push({ feedbackCode: body.feedback_code, feedbackContent: body.feedback_content, feedbackImages: images, operator: body.operator, at: now });
  c.status = "MERCHANT_FEEDBACKED";
  c.gmtModified = now;
  store.putComplaint(c);
  return { complaint: c, changed: true };
}
