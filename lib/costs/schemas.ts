import { z } from "zod";
import { isYuan, yuanToFen } from "../alipay/money";

/** Client-safe: one schema per form, shared by the form and its server action. */
const yuan = (what: string) =>
  z
    .string()
    .trim()
    .refine(isYuan, `${what}: a yuan amount with at most 2 decimals, like 5000 or 12.50.`)
    .transform((s) => yuanToFen(s))
    .refine((fen) => fen <= 2_000_000_000, `${what}: at most 20,000,000 CNY.`);

export const budgetInput = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Month: like 2026-12."),
  amount: yuan("Budget").refine((fen) => fen > 0, "Budget: must be more than 0."),
});
export type BudgetInput = z.input<typeof budgetInput>;

export const settingsInput = z.object({
  reviewHourlyRate: yuan("Hourly rate"),
  webhookUrl: z
    .string()
    .trim()
    .max(500, "Webhook URL: at most 500 characters.")
    .refine((s) => s === "" || /^https?:\/\/[^\s]+$/i.test(s), "Webhook URL: must start with http:// or https://.")
    .transform((s) => (s === "" ? null : s)),
});
export type SettingsInput = z.input<typeof settingsInput>;

export const BUDGET_THRESHOLDS = [80, 100] as const;
