"use server";

import { merchantAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { acknowledgeDriftAlert } from "@/lib/insights/alerts";
import { acknowledgeInput } from "@/lib/insights/schemas";

// Auditors see alerts (insights:read); acknowledging changes state, so it needs an admin's scope.
const acknowledge = merchantAction("thresholds:write", acknowledgeInput, async ({ alertId }, a) => acknowledgeDriftAlert(await db(), a.merchant.id, a.user.id, alertId));

export async function acknowledgeDriftAlertAction(merchantId: string, input: unknown) {
  return acknowledge(merchantId, input);
}
