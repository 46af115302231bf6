import { z } from "zod";
import { isYuan, yuanToFen } from "./money";
import { parseMicro } from "./pricing";

/** Money on the wire is a yuan string; in code it is integer fen. */
export type Fen = number;

const yuan = z.string().refine(isYuan, "expected a yuan amount with at most 2 decimals").transform(yuanToFen);
const unit = z.number().min(0).max(1);
const text = z.string();

// ------------------------------------------------------------------ errors and body codes

export const errorBodySchema = z.looseObject({
  code: z.string(),
  message: z.string().optional(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
  links: z.array(z.looseObject({ link: z.string().optional(), desc: z.string().optional() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

const SUCCESS_CODES = new Set(["10000", "Success", "SUCCESS", "0"]);

/** A body `code` that is present and not a success code is an error, whatever the HTTP status. */
export function bodyErrorCode(body: unknown): { code: string; subCode: string | null; message: string } | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const rec = body as Record<string, unknown>;
  const code = rec.code;
  if (typeof code !== "string" || code === "" || SUCCESS_CODES.has(code)) return null;
  const sub = typeof rec.sub_code === "string" && rec.sub_code !== "" ? rec.sub_code : null;
  const message = [rec.message, rec.sub_msg, rec.msg].find((m): m is string => typeof m === "string") ?? code;
  return { code, subCode: sub, message };
}

// ------------------------------------------------------------------ AI endpoints (PROTOCOL part B)

export const billingSchema = z.looseObject({
  fee: z.string().transform((s, ctx) => {
    try {
      return parseMicro(s);
    } catch {
      ctx.addIssue({ code: "custom", message: "billing.fee is not a CNY decimal" });
      return z.NEVER;
    }
  }),
  currency: z.literal("CNY"),
  tier: z.enum(["standard", "batch"]),
});
/** `fee` is integer micro-yuan. */
export type Billing = z.infer<typeof billingSchema>;

export const recommendationSchema = z.enum(["PASS", "REVIEW", "REJECT"]);

const aiBase = {
  risk_score: unit,
  recommendation: recommendationSchema,
  confidence_score: unit,
  explanation: text,
  // the exact prompt and model output: a sensitive record, kept as sent
  reasoning_log: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]),
  model_version: text,
  // PROTOCOL says always present; when absent the ledger prices the call from the table
  billing: billingSchema.optional(),
};

export const riskScoreResponseSchema = z.looseObject({ ...aiBase });
export type RiskScoreResponse = z.infer<typeof riskScoreResponseSchema>;

const anomaly = z.union([z.string(), z.looseObject({})]);

export const refundAssessResponseSchema = z.looseObject({
  ...aiBase,
  suggested_refund_amount: yuan,
  sentiment: text,
  anomalies: z.array(anomaly),
});
export type RefundAssessResponse = z.infer<typeof refundAssessResponseSchema>;

export const feedbackCodeSchema = z.enum(["00", "02", "03", "04", "05", "06"]);
export type FeedbackCode = z.infer<typeof feedbackCodeSchema>;

export const disputeAnalyzeResponseSchema = z.looseObject({
  ...aiBase,
  proposed_feedback_code: feedbackCodeSchema,
  draft_feedback_content: text,
  evidence_checklist: z.array(z.union([z.string(), z.looseObject({})])),
});
export type DisputeAnalyzeResponse = z.infer<typeof disputeAnalyzeResponseSchema>;

export const batchKindSchema = z.enum(["risk_score", "refund_assess", "dispute_analyze"]);
export type BatchKind = z.infer<typeof batchKindSchema>;

export const batchSubmitResponseSchema = z.looseObject({
  batch_id: text,
  status: text.optional(),
  billing: billingSchema.optional(),
});
export type BatchSubmitResponse = z.infer<typeof batchSubmitResponseSchema>;

const batchItemSchema = z.looseObject({
  item_id: text,
  type: batchKindSchema,
  status: z.enum(["SUCCESS", "FAILED"]),
  result: z.looseObject(aiBase).optional(),
  error: z.looseObject({ code: text, message: text.optional() }).optional(),
});

/** Items appear once the batch is COMPLETED; `item_id` echoes the submitted custom_id. */
export const batchPollResponseSchema = z.looseObject({
  batch_id: text,
  status: z.enum(["PROCESSING", "COMPLETED"]),
  item_count: z.number().int().optional(),
  completed_count: z.number().int().optional(),
  items: z.array(batchItemSchema).default([]),
  billing: billingSchema.optional(),
});
export type BatchPollResponse = z.infer<typeof batchPollResponseSchema>;

// ------------------------------------------------------------------ refunds (PROTOCOL part A)

export const refundResponseSchema = z.looseObject({
  trade_no: text,
  out_trade_no: text,
  /** cumulative refunded amount on the trade, fen */
  refund_fee: yuan,
  fund_change: z.enum(["Y", "N"]),
  gmt_refund_pay: text.optional(),
});
export type RefundResponse = z.infer<typeof refundResponseSchema>;

export const refundQueryResponseSchema = z.looseObject({
  trade_no: text.optional(),
  out_trade_no: text.optional(),
  out_request_no: text.optional(),
  refund_amount: yuan.optional(),
  total_amount: yuan.optional(),
  /** REFUND_SUCCESS when done; absent means not received or failed */
  refund_status: text.optional(),
  gmt_refund_pay: text.optional(),
});
export type RefundQueryResponse = z.infer<typeof refundQueryResponseSchema>;

// ------------------------------------------------------------------ trade complaints

export const complaintStatusSchema = z.enum([
  "MERCHANT_PROCESSING",
  "MERCHANT_FEEDBACKED",
  "FINISHED",
  "CANCELLED",
  "PLATFORM_PROCESSING",
  "PLATFORM_FINISH",
  "CLOSED",
]);
export type ComplaintStatus = z.infer<typeof complaintStatusSchema>;

export const complaintSchema = z.looseObject({
  complain_event_id: text,
  status: complaintStatusSchema,
  trade_no: text.optional(),
  merchant_order_no: text.optional(),
  trade_amount: yuan.optional(),
  complain_amount: yuan.optional(),
  complain_reason: text.optional(),
  content: text.optional(),
  images: z.array(text).optional(),
  gmt_create: text.optional(),
  gmt_modified: text.optional(),
});
export type Complaint = z.infer<typeof complaintSchema>;

export const complaintBatchQueryResponseSchema = z.looseObject({
  page_num: z.number().int().optional(),
  page_size: z.number().int().optional(),
  total_num: z.number().int().optional(),
  total_size: z.number().int().optional(),
  total_page_num: z.number().int().optional(),
  trade_complain_infos: z.array(complaintSchema).default([]),
});
export type ComplaintBatchQueryResponse = z.infer<typeof complaintBatchQueryResponseSchema>;

export const complaintFeedbackResponseSchema = z.looseObject({});
export type ComplaintFeedbackResponse = z.infer<typeof complaintFeedbackResponseSchema>;

// ------------------------------------------------------------------ requests (validated, then sent as wire JSON)

const amountIn = z.number().int().nonnegative().refine(Number.isSafeInteger);

/** Context fields shared by the AI endpoints; `amount` in fen. */
export const aiContextSchema = z.object({
  out_trade_no: text.optional(),
  merchant_id: text.optional(),
  user_id: text.optional(),
  device_fingerprint: text.optional(),
  merchant_category: text.optional(),
  amount: amountIn.optional(),
  currency: text.optional(),
  cross_border: z.boolean().optional(),
  locale: z.enum(["zh-CN", "en"]).optional(),
  prompt: text.optional(),
  /** stable across retries: the client fills one in when absent */
  conversation_id: text.optional(),
});

export const riskScoreRequestSchema = aiContextSchema.extend({
  scene: text.optional(),
}).loose();
export type RiskScoreRequest = z.input<typeof riskScoreRequestSchema>;

export const refundAssessRequestSchema = aiContextSchema.extend({
  refund_reason: text.optional(),
  refund_amount: amountIn.optional(),
  order: z.record(z.string(), z.unknown()).optional(),
  history: z.record(z.string(), z.unknown()).optional(),
}).loose();
export type RefundAssessRequest = z.input<typeof refundAssessRequestSchema>;

export const disputeAnalyzeRequestSchema = aiContextSchema.extend({
  complain_event_id: text.optional(),
  complain_reason: text.optional(),
  content: text.optional(),
  trade_amount: amountIn.optional(),
  order: z.record(z.string(), z.unknown()).optional(),
}).loose();
export type DisputeAnalyzeRequest = z.input<typeof disputeAnalyzeRequestSchema>;

export type BatchItem =
  | { custom_id?: string; type: "risk_score"; body: RiskScoreRequest }
  | { custom_id?: string; type: "refund_assess"; body: RefundAssessRequest }
  | { custom_id?: string; type: "dispute_analyze"; body: DisputeAnalyzeRequest };
export interface BatchSubmitRequest {
  items: BatchItem[];
}

export const refundRequestSchema = z
  .object({
    out_trade_no: text.optional(),
    trade_no: text.optional(),
    refund_amount: amountIn.refine((n) => n > 0, "refund_amount must be positive"),
    refund_reason: text.optional(),
    out_request_no: text.min(1),
  })
  .refine((r) => r.out_trade_no || r.trade_no, "out_trade_no or trade_no is required");
export type RefundRequest = z.input<typeof refundRequestSchema>;

export const refundQueryRequestSchema = z
  .object({ out_trade_no: text.optional(), trade_no: text.optional(), out_request_no: text.min(1) })
  .refine((r) => r.out_trade_no || r.trade_no, "out_trade_no or trade_no is required");
export type RefundQueryRequest = z.input<typeof refundQueryRequestSchema>;

export const complaintBatchQueryRequestSchema = z.object({
  begin_time: text.optional(),
  end_time: text.optional(),
  page_num: z.number().int().min(1).default(1),
  page_size: z.number().int().min(1).max(20).default(20),
  status: complaintStatusSchema.optional(),
});
export type ComplaintBatchQueryRequest = z.input<typeof complaintBatchQueryRequestSchema>;

export const complaintFeedbackRequestSchema = z.object({
  complain_event_id: text.min(1),
  feedback_code: feedbackCodeSchema,
  feedback_content: text.max(200),
  feedback_images: z.array(text).optional(),
  operator: text.max(6).optional(),
});
export type ComplaintFeedbackRequest = z.input<typeof complaintFeedbackRequestSchema>;
