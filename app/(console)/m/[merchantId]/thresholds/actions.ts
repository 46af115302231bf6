"use server";

import { z } from "zod";
import { merchantAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { policyInput } from "@/lib/policy/schemas";
import { reviewPolicy, rollbackPolicy, savePolicy, setFourEyes } from "@/lib/policy/service";

const version = z.object({ version: z.number().int().positive() });

const save = merchantAction("thresholds:write", policyInput, async (values, a) => (await savePolicy(await db(), a.merchant.id, a.user.id, values)).version);
const rollback = merchantAction("thresholds:write", version, async ({ version: v }, a) => (await rollbackPolicy(await db(), a.merchant.id, a.user.id, v)).version);
const review = merchantAction("thresholds:write", version.extend({ approve: z.boolean() }), async ({ version: v, approve }, a) => reviewPolicy(await db(), a.merchant.id, a.user.id, v, approve));
const fourEyes = merchantAction("thresholds:write", z.object({ on: z.boolean() }), async ({ on }, a) => setFourEyes(await db(), a.merchant.id, a.user.id, on));

export async function savePolicyAction(merchantId: string, input: unknown) {
  return save(merchantId, input);
}
export async function rollbackPolicyAction(merchantId: string, input: unknown) {
  return rollback(merchantId, input);
}
export async function reviewPolicyAction(merchantId: string, input: unknown) {
  return review(merchantId, input);
}
export async function setFourEyesAction(merchantId: string, input: unknown) {
  return fourEyes(merchantId, input);
}
