"use server";

import { merchantAction } from "@/lib/actions/safe-action";
import { checkBudgetAlerts, saveSettings, setBudget } from "@/lib/costs/budget";
import { budgetInput, settingsInput } from "@/lib/costs/schemas";
import { db } from "@/lib/db";

const budget = merchantAction("costs:write", budgetInput, async (input, a) => {
  const prisma = await db();
  const saved = await setBudget(prisma, a.merchant.id, a.user.id, input);
  // A lowered budget may cross a threshold now; deliveries run on without holding the answer.
  const { deliveries } = await checkBudgetAlerts(prisma, a.merchant.id, a.merchant.timeZone, new Date());
  void deliveries;
  return saved;
});
const settings = merchantAction("costs:write", settingsInput, async (input, a) => saveSettings(await db(), a.merchant.id, a.user.id, input));

export async function setBudgetAction(merchantId: string, input: unknown) {
  return budget(merchantId, input);
}
export async function saveCostSettingsAction(merchantId: string, input: unknown) {
  return settings(merchantId, input);
}
