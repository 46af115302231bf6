import { z } from "zod";
import { yuanToFen } from "../alipay/money";
import { MESSAGES, translator, type Locale } from "../i18n";

/** Client-safe: the shapes of the refund intake API and the API-key forms. */

// One money conversion for the whole product (exact, text to integer fen).
export { fenToYuan, yuanToFen } from "../alipay/money";

// At most 9,999,999.99 yuan: fits the Int fen columns with room to spare.
const YUAN = /^(0|[1-9]\d{0,6})(\.\d{1,2})?$/;
const ORDER_NO = /^[A-Za-z0-9_-]+$/;

type ErrorKey = keyof (typeof MESSAGES)["en"]["intake"]["errors"];
const errorKey = (key: ErrorKey) => key;

const yuan = z.string().regex(YUAN, errorKey("amountFormat")).transform(yuanToFen);

export const refundRequestBody = z
  .object({
    out_trade_no: z.string().min(1).max(64).regex(ORDER_NO, errorKey("orderNoFormat")),
    trade_no: z.string().min(1).max(64).regex(ORDER_NO, errorKey("orderNoFormat")).optional(),
    paid_amount: yuan,
    refund_amount: yuan,
    currency: z.literal("CNY"),
    reason: z.string().trim().min(1).max(500),
    customer: z
      .object({
        id: z.string().trim().min(1).max(64),
        device_fingerprint: z.string().trim().min(1).max(128).optional(),
      })
      .strict(),
    merchant_category: z.string().trim().min(1).max(64),
    cross_border: z.boolean().default(false),
    locale: z.enum(["zh-CN", "en"]).default("zh-CN"),
  })
  // Unknown fields are refused so a misspelt field never silently falls back to a default.
  .strict()
  .superRefine((body, ctx) => {
    if (body.paid_amount === 0) ctx.addIssue({ code: "custom", path: ["paid_amount"], message: errorKey("amountZero") });
    if (body.refund_amount === 0) ctx.addIssue({ code: "custom", path: ["refund_amount"], message: errorKey("amountZero") });
    if (body.refund_amount > body.paid_amount) {
      ctx.addIssue({ code: "custom", path: ["refund_amount"], message: errorKey("refundAbovePaid") });
    }
  })
  .transform((b) => ({
    outTradeNo: b.out_trade_no,
    tradeNo: b.trade_no,
    paidAmountFen: b.paid_amount,
    requestedAmountFen: b.refund_amount,
    currency: b.currency,
    reasonText: b.reason,
    customerId: b.customer.id,
    deviceFingerprint: b.customer.device_fingerprint,
    merchantCategory: b.merchant_category,
    crossBorder: b.cross_border,
    locale: b.locale,
  }));

/** A validated refund request, amounts in fen. */
export type RefundIntake = z.output<typeof refundRequestBody>;

export const idempotencyKey = z.string().min(1).max(100);

export type FieldErrors = Record<string, string>;

/** Each zod issue as "field path → sentence in the caller's language", so every error names its field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], locale: Locale): FieldErrors {
  const t = translator(locale);
  const own = MESSAGES.en.intake.errors;
  const fields: FieldErrors = {};
  const put = (path: readonly PropertyKey[], text: string) => {
    const name = path.map(String).join(".") || "body";
    fields[name] ??= text;
  };
  for (const issue of issues) {
    if (Object.hasOwn(own, issue.message)) {
      put(issue.path, t(`intake.errors.${issue.message as ErrorKey}`));
      continue;
    }
    switch (issue.code) {
      case "invalid_type":
        put(issue.path, issue.input === undefined ? t("intake.errors.required") : t("intake.errors.expectedType", { type: issue.expected }));
        break;
      case "too_small":
        put(issue.path, t("intake.errors.tooShort", { min: String(issue.minimum) }));
        break;
      case "too_big":
        put(issue.path, t("intake.errors.tooLong", { max: String(issue.maximum) }));
        break;
      case "invalid_value":
        put(issue.path, t("intake.errors.oneOf", { values: issue.values.map((v) => JSON.stringify(v)).join(", ") }));
        break;
      case "unrecognized_keys":
        for (const key of issue.keys) put([...issue.path, key], t("intake.errors.unknownField"));
        break;
      default:
        put(issue.path, t("intake.errors.invalidValue"));
    }
  }
  return fields;
}

/** Validates a refund request body; `input` is reported so a missing field reads "required". */
export function parseRefundRequest(body: unknown, locale: Locale) {
  const result = refundRequestBody.safeParse(body, { reportInput: true });
  return result.success
    ? ({ success: true, data: result.data } as const)
    : ({ success: false, fields: describeIssues(result.error.issues, locale) } as const);
}

export const createApiKeyInput = z.object({ name: z.string().trim().min(1).max(60) });
export const revokeApiKeyInput = z.object({ keyId: z.string().min(1).max(64) });
