import { AlertTriangle } from "lucide-react";
import Link from "next/link";
import { after } from "next/server";
import { fenToYuan } from "@/lib/alipay/money";
import { db } from "@/lib/db";
import { alertsForMonth, checkBudgetAlerts } from "@/lib/costs/budget";
import type { Role } from "@/lib/generated/prisma/enums";
import { formatYuan } from "@/lib/i18n/format";
import { getT } from "@/lib/i18n/server";

/** This month's budget alerts (80% / 100%) for this merchant, shown to finance and admins. */
export async function BudgetAlertBanner({ merchantId, role }: { merchantId: string; role: Role }) {
  if (role !== "FINANCE" && role !== "ADMIN") return null;
  const prisma = await db();
  const merchant = await prisma.merchant.findUnique({ where: { id: merchantId }, select: { timeZone: true } });
  if (!merchant) return null;
  // Checking here records a crossed threshold as soon as someone who cares opens any page.
  const { status, deliveries } = await checkBudgetAlerts(prisma, merchantId, merchant.timeZone, new Date());
  after(() => deliveries);
  const alerts = await alertsForMonth(prisma, merchantId, status.month);
  // Recorded alerts stay in the history; the banner shows the highest one the current budget still crosses.
  const top = alerts.filter((a) => status.crossed.includes(a.threshold)).at(-1);
  if (!top) return null;
  const { t, locale } = await getT();
  const vars = {
    month: top.month,
    pct: top.threshold,
    spent: formatYuan(status.mtdCny, locale, 2),
    budget: formatYuan(fenToYuan(status.budgetFen ?? top.budgetFen), locale, 2),
  };
  const over = top.threshold >= 100;
  return (
    <div
      role="alert"
      data-testid="budget-alert"
      className={`mb-4 flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-2 text-sm ${over ? "border-red-200 bg-red-50 text-red-800" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      <span className="flex items-center gap-2">
        <AlertTriangle className="h-4 w-4" aria-hidden />
        {over ? t("costs.alert.reached100", vars) : t("costs.alert.reached80", vars)}
      </span>
      <Link href={`/m/${merchantId}/costs`} className="font-medium underline-offset-4 hover:underline">
        {t("costs.alert.open")}
      </Link>
    </div>
  );
}
