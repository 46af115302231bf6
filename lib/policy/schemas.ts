import { z } from "zod";
import { fenToYuan, yuanToFen } from "../alipay/money";
import type { Limits, Thresholds } from "./route";

/** Client-safe: the one shape of a threshold policy, for the form, the action and the what-if. */

const score = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^(0(\.\d{1,3})?|1(\.0{1,3})?)$/, `${label} must be a number from 0 to 1 with at most 3 decimals`)
    .transform(Number);

const yuanLimit = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, "The amount limit must be in yuan with at most 2 decimals")
  .transform(yuanToFen)
  .refine((fen) => fen > 0, "The amount limit must be more than 0");

const override = z.object({
  category: z.string().trim().min(1, "Name the category").max(64),
  autoApproveBelow: score("Auto-approve below").optional(),
  autoRejectAtOrAbove: score("Auto-reject at").optional(),
  confidenceFloor: score("Confidence floor").optional(),
  hitlLimit: yuanLimit.optional(),
});

export const policyInput = z
  .object({
    autoApproveBelow: score("Auto-approve below"),
    autoRejectAtOrAbove: score("Auto-reject at"),
    confidenceFloor: score("Confidence floor"),
    hitlLimit: yuanLimit,
    highRiskAction: z.enum(["AUTO_REJECT", "REVIEW"]),
    aiUnavailable: z.enum(["REVIEW", "AUTO_REJECT"]),
    overrides: z.array(override).max(50).default([]),
    note: z.string().trim().max(300).optional(),
  })
  .superRefine((p, ctx) => {
    if (!(p.autoApproveBelow < p.autoRejectAtOrAbove)) {
      ctx.addIssue({ code: "custom", path: ["autoRejectAtOrAbove"], message: "Auto-approve must be below auto-reject (0 ≤ X < Y ≤ 1)" });
    }
    const seen = new Set<string>();
    p.overrides.forEach((o, i) => {
      if (seen.has(o.category)) ctx.addIssue({ code: "custom", path: ["overrides", i, "category"], message: `${o.category} appears twice` });
      seen.add(o.category);
      const x = o.autoApproveBelow ?? p.autoApproveBelow;
      const y = o.autoRejectAtOrAbove ?? p.autoRejectAtOrAbove;
      if (!(x < y)) ctx.addIssue({ code: "custom", path: ["overrides", i, "autoRejectAtOrAbove"], message: `For ${o.category}, auto-approve must be below auto-reject` });
    });
  });

export type PolicyInput = z.input<typeof policyInput>;
export type PolicyValues = z.output<typeof policyInput>;

export function toCandidate(v: PolicyValues, version = 0): Thresholds {
  const overrides: Record<string, Partial<Limits>> = {};
  for (const o of v.overrides) {
    const entry: Partial<Limits> = {};
    if (o.autoApproveBelow !== undefined) entry.autoApproveBelow = o.autoApproveBelow;
    if (o.autoRejectAtOrAbove !== undefined) entry.autoRejectAtOrAbove = o.autoRejectAtOrAbove;
    if (o.confidenceFloor !== undefined) entry.confidenceFloor = o.confidenceFloor;
    if (o.hitlLimit !== undefined) entry.hitlLimitFen = o.hitlLimit;
    overrides[o.category] = entry;
  }
  return {
    version,
    autoApproveBelow: v.autoApproveBelow,
    autoRejectAtOrAbove: v.autoRejectAtOrAbove,
    confidenceFloor: v.confidenceFloor,
    hitlLimitFen: v.hitlLimit,
    highRiskAction: v.highRiskAction,
    aiUnavailable: v.aiUnavailable,
    overrides,
  };
}

const fmtScore = (n: number) => n.toFixed(3).replace(/0+$/, "").replace(/\.$/, ".0");

/** The form's values for a policy. */
export function toInput(th: Thresholds, note = ""): PolicyInput {
  return {
    autoApproveBelow: fmtScore(th.autoApproveBelow),
    autoRejectAtOrAbove: fmtScore(th.autoRejectAtOrAbove),
    confidenceFloor: fmtScore(th.confidenceFloor),
    hitlLimit: fenToYuan(th.hitlLimitFen),
    highRiskAction: th.highRiskAction,
    aiUnavailable: th.aiUnavailable,
    overrides: Object.entries(th.overrides).map(([category, o]) => ({
      category,
      ...(o.autoApproveBelow !== undefined && { autoApproveBelow: fmtScore(o.autoApproveBelow) }),
      ...(o.autoRejectAtOrAbove !== undefined && { autoRejectAtOrAbove: fmtScore(o.autoRejectAtOrAbove) }),
      ...(o.confidenceFloor !== undefined && { confidenceFloor: fmtScore(o.confidenceFloor) }),
      ...(o.hitlLimitFen !== undefined && { hitlLimit: fenToYuan(o.hitlLimitFen) }),
    })),
    note,
  };
}

export interface PolicyChange {
  field: string;
  from: string;
  to: string;
}

/** A readable diff between two versions, field by field, overrides by category. */
export function diffPolicies(a: Thresholds, b: Thresholds): PolicyChange[] {
  const flat = (th: Thresholds) => {
    const out: Record<string, string> = {
      autoApproveBelow: fmtScore(th.autoApproveBelow),
      autoRejectAtOrAbove: fmtScore(th.autoRejectAtOrAbove),
      confidenceFloor: fmtScore(th.confidenceFloor),
      hitlLimit: `${fenToYuan(th.hitlLimitFen)} CNY`,
      highRiskAction: th.highRiskAction,
      aiUnavailable: th.aiUnavailable,
    };
    for (const [cat, o] of Object.entries(th.overrides)) {
      if (o.autoApproveBelow !== undefined) out[`${cat}.autoApproveBelow`] = fmtScore(o.autoApproveBelow);
      if (o.autoRejectAtOrAbove !== undefined) out[`${cat}.autoRejectAtOrAbove`] = fmtScore(o.autoRejectAtOrAbove);
      if (o.confidenceFloor !== undefined) out[`${cat}.confidenceFloor`] = fmtScore(o.confidenceFloor);
      if (o.hitlLimitFen !== undefined) out[`${cat}.hitlLimit`] = `${fenToYuan(o.hitlLimitFen)} CNY`;
    }
    return out;
  };
  const fa = flat(a);
  const fb = flat(b);
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])];
  return keys.filter((k) => fa[k] !== fb[k]).map((k) => ({ field: k, from: fa[k] ?? "—", to: fb[k] ?? "—" }));
}
