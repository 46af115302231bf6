import type { Role } from "@/lib/generated/prisma/enums";

/** This month's budget alerts (80% / 100%) for this merchant, shown to finance and admins. */
export async function BudgetAlertBanner(_props: { merchantId: string; role: Role }) {
  return null;
}
