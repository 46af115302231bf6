import Link from "next/link";
import type { Role } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { getT } from "@/lib/i18n/server";
import { openDriftAlerts } from "@/lib/insights/alerts";

const SHOWN_TO: readonly Role[] = ["ADMIN", "AUDITOR"];

/** Open drift alerts for this merchant, shown above every page to those who may act on them. */
export async function DriftAlertBanner({ merchantId, role }: { merchantId: string; role: Role }) {
  if (!SHOWN_TO.includes(role)) return null;
  const { total, rows } = await openDriftAlerts(await db(), merchantId, 3);
  if (total === 0) return null;
  const { t } = await getT();
  return (
    <div role="status" className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-lg border border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" data-testid="drift-alert-banner">
      <span>
        <strong>{t("insights.alerts.banner", { count: total })}</strong>{" "}
        {rows.map((r) => `${t(`insights.alerts.kind.${r.kind}`)} (${t("insights.alerts.since", { day: r.day })})`).join(" · ")}
      </span>
      <Link href={`/m/${merchantId}/insights`} className="font-medium underline underline-offset-4">
        {t("insights.alerts.view")}
      </Link>
    </div>
  );
}
