import { can } from "@/lib/auth/permissions";
import { authorize, membershipsOf } from "@/lib/auth/session";
import { csvLines, csvStream, summaryCsvLines, type CsvField } from "@/lib/costs/csv";
import { exportInput } from "@/lib/costs/range";
import { spendBy } from "@/lib/costs/queries";
import { costsSummary } from "@/lib/costs/view";
import { db } from "@/lib/db";
import { HTTP_STATUS, invalid, toUserError } from "@/lib/errors";
import { translator, type MessageKey } from "@/lib/i18n";
import { getLocale } from "@/lib/i18n/server";

export const dynamic = "force-dynamic";

const FIELD_KEYS: Record<CsvField, MessageKey> = {
  calls: "costs.col.calls",
  failedCalls: "costs.col.failedCalls",
  retriedCalls: "costs.col.retriedCalls",
  costCny: "costs.col.costCny",
  failedCostCny: "costs.col.failedCostCny",
  retriedCostCny: "costs.col.retriedCostCny",
  feeCny: "costs.col.feeCny",
  totalCny: "costs.col.totalCny",
};

/** Any costs view as a streamed CSV, from the same rollup queries as the page (same sums, same rounded figures). */
export async function GET(req: Request, { params }: { params: Promise<{ merchantId: string }> }) {
  try {
    const { merchantId } = await params;
    const access = await authorize(merchantId, "costs:read");
    const q = exportInput.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!q.success) throw invalid(q.error.issues[0]?.message ?? "Invalid request", Object.fromEntries(q.error.issues.map((i) => [i.path.join("."), i.message])));
    const { from, to, view, format } = q.data;
    const lang = q.data.lang ?? (await getLocale());
    const t = translator(lang);
    const file = `costs-${view === "merchant" ? "merchants" : merchantId}-${view}-${from}-${to}.csv`;
    const headers = { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" };
    if (view === "summary") {
      const { unit, budget } = await costsSummary(await db(), { merchantId, timeZone: access.merchant.timeZone, range: { from, to }, now: new Date() });
      const item = (i: string) => t(`costs.summary.${i}` as MessageKey, { month: budget.month });
      return new Response(csvStream(summaryCsvLines(unit, budget, { measure: t("costs.summary.measure"), value: t("costs.summary.value"), item }, format)), { headers });
    }
    let ids = [merchantId];
    let names = new Map<string, string>();
    if (view === "merchant") {
      // Every merchant where this user may read costs: re-checked from the memberships, not the URL.
      const ms = (await membershipsOf(access.user.id)).filter((m) => can(m.role, "costs:read"));
      ids = ms.map((m) => m.merchantId);
      names = new Map(ms.map((m) => [m.merchantId, m.merchantName]));
    }
    const rows = await spendBy(await db(), ids, { from, to }, view);
    const label = (key: string) =>
      view === "workflow" ? t(`costs.workflow.${key}` as MessageKey) : view === "tier" ? t(`costs.tier.${key}` as MessageKey) : view === "outcome" ? t(`costs.outcome.${key}` as MessageKey) : view === "merchant" ? (names.get(key) ?? key) : key;
    const lines = csvLines(rows, { key: t(`costs.views.${view}`), fields: Object.fromEntries(Object.entries(FIELD_KEYS).map(([f, k]) => [f, t(k)])) as Record<CsvField, string>, total: t("costs.col.total"), label }, format);
    return new Response(csvStream(lines), { headers });
  } catch (err) {
    const e = toUserError(err);
    return Response.json({ error: { code: e.kind, message: e.message, fields: e.details } }, { status: e.kind === "unexpected" ? 500 : HTTP_STATUS[e.kind] });
  }
}
