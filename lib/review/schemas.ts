import { z } from "zod";
import { yuanToFen } from "../alipay/money";

/** Client-safe shapes shared by the queue UI, server actions and the service. */

export const LANES = ["ai_review", "low_confidence", "above_limit", "ai_unavailable", "disputes_due", "escalated", "failed"] as const;
export type Lane = (typeof LANES)[number];

export const LANE_REASONS: Partial<Record<Lane, string[]>> = {
  ai_review: ["AI_RECOMMENDS_REVIEW", "GREY_BAND", "AI_DISAGREES_WITH_SCORE", "HIGH_RISK"],
  low_confidence: ["LOW_CONFIDENCE"],
  above_limit: ["ABOVE_AMOUNT_LIMIT", "EXCEEDS_REFUNDABLE"],
  ai_unavailable: ["AI_UNAVAILABLE"],
};

export const REASON_CODES = {
  approve: ["APPROVE_VALID_CLAIM", "APPROVE_NOT_DELIVERED", "APPROVE_GOODWILL"],
  partial: ["PARTIAL_DAMAGED", "PARTIAL_MISSING_PARTS", "PARTIAL_GOODWILL"],
  reject: ["REJECT_NO_EVIDENCE", "REJECT_FRAUD_SUSPECTED", "REJECT_OUTSIDE_POLICY"],
  escalate: ["ESCALATE_HIGH_VALUE", "ESCALATE_FRAUD_REVIEW", "ESCALATE_NEEDS_POLICY"],
} as const;

export type DecisionAction = keyof typeof REASON_CODES;
const ALL_CODES = Object.values(REASON_CODES).flat() as [string, ...string[]];

const yuanAmount = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,2})?$/, "Enter an amount in yuan with at most 2 decimals")
  .transform(yuanToFen);

export const decisionInput = z
  .object({
    caseId: z.string().min(1).max(64),
    version: z.number().int().nonnegative(),
    action: z.enum(["approve", "partial", "reject", "escalate"]),
    reasonCode: z.enum(ALL_CODES),
    note: z.string().trim().max(500).optional(),
    amount: yuanAmount.optional(),
  })
  .superRefine((v, ctx) => {
    if (!(REASON_CODES[v.action] as readonly string[]).includes(v.reasonCode)) {
      ctx.addIssue({ code: "custom", path: ["reasonCode"], message: `Not a reason for ${v.action}` });
    }
    if (v.action === "partial" && !v.amount) ctx.addIssue({ code: "custom", path: ["amount"], message: "A partial refund needs an amount" });
  });

export type DecisionInput = z.input<typeof decisionInput>;

export const bulkInput = z.object({
  caseIds: z.array(z.string().min(1).max(64)).min(1).max(200),
  action: z.enum(["approve", "reject"]),
  reasonCode: z.enum(ALL_CODES),
});

export const feedbackInput = z.object({
  caseId: z.string().min(1).max(64),
  version: z.number().int().nonnegative(),
  feedbackCode: z.enum(["00", "02", "03", "04", "05", "06"]),
  content: z.string().trim().min(1, "Write the reply to the customer").max(200, "At most 200 characters"),
});

export const queueFilters = z.object({
  lane: z.enum(LANES).optional(),
  kind: z.enum(["REFUND", "DISPUTE"]).optional(),
  category: z.string().trim().min(1).max(64).optional(),
  minAmount: yuanAmount.optional(),
  maxAmount: yuanAmount.optional(),
  maxAgeHours: z.coerce.number().int().min(1).max(24 * 90).optional(),
});

export type QueueFilters = z.infer<typeof queueFilters>;
