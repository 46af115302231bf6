import { BudgetPanel } from "@/components/costs/budget-panel";
import { EndpointShare } from "@/components/costs/endpoint-share";
import { ExportPanel } from "@/components/costs/export-panel";
import { RangeForm } from "@/components/costs/range-form";
import { SpendChart } from "@/components/costs/spend-chart";
import { SpendTable } from "@/components/costs/spend-table";
import { NotAllowed } from "@/components/shell/not-allowed";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { membershipsOf, pageAccess } from "@/lib/auth/session";
import { alertsForMonth } from "@/lib/costs/budget";
import { shareOf, stackedSeries } from "@/lib/costs/charts";
import { burnDown } from "@/lib/costs/forecast";
import { percent, toMicro } from "@/lib/costs/decimal";
import { defaultRange, EXPORTS, localDay, rangeInput } from "@/lib/costs/range";
import { costSettings } from "@/lib/costs/budget";
import { costsPageData } from "@/lib/costs/view";
import { db } from "@/lib/db";
import { formatCount, formatMoney, formatYuan } from "@/lib/i18n/format";
import { getT } from "@/lib/i18n/server";

export default async function CostsPage({ params, searchParams }: PageProps<"/m/[merchantId]/costs">) {
  const { merchantId } = await params;
  const access = await pageAccess(merchantId, "costs:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t, locale } = await getT();
  const sp = await searchParams;
  const now = new Date();
  const tz = access.merchant.timeZone;
  const fallback = defaultRange(now, tz);
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const parsed = rangeInput.safeParse({ from: one(sp.from) ?? fallback.from, to: one(sp.to) ?? fallback.to, granularity: one(sp.granularity) ?? "day" });
  const q = parsed.success ? parsed.data : { ...fallback, granularity: "day" as const };
  const rangeError = parsed.success ? null : parsed.error.issues[0]?.message;

  const prisma = await db();
  const readable = (await membershipsOf(access.user.id)).filter((m) => can(m.role, "costs:read"));
  const [data, settings] = await Promise.all([
    costsPageData(prisma, { merchantId, timeZone: tz, range: { from: q.from, to: q.to }, granularity: q.granularity, now, merchantIds: readable.map((m) => m.merchantId) }),
    costSettings(prisma, merchantId),
  ]);
  const alerts = await alertsForMonth(prisma, merchantId, data.budget.month);
  const b = data.budget;
  const u = data.unit;
  // ledger sums are exact (up to 6 places); derived amounts come rounded to the fen (lib/costs/unit.ts)
  const money = (s: string) => formatYuan(s, locale, 6);
  const derived = (s: string) => formatYuan(s, locale, 2);
  const or = (s: string | null) => (s === null ? t("costs.unit.none") : derived(s));
  const views = EXPORTS.filter((v) => v !== "merchant" || readable.length > 1);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{t("costs.title")}</h1>
          <p className="text-sm text-muted-foreground">{t("costs.subtitle", { merchant: access.merchant.name })}</p>
        </div>
        <RangeForm from={q.from} to={q.to} granularity={q.granularity} today={localDay(now, tz)} />
      </div>
      {rangeError && (
        <p role="alert" className="text-sm text-destructive" data-testid="range-error">
          {rangeError}
        </p>
      )}

      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <Kpi testId="kpi-api" label={t("costs.kpi.apiSpend")} value={money(data.totals.costCny)} exact={data.totals.costCny} hint={t("costs.kpi.calls", { calls: formatCount(data.totals.calls, locale) })} />
        <Kpi testId="kpi-fees" label={t("costs.kpi.fees")} value={money(data.totals.feeCny)} exact={data.totals.feeCny} hint={t("costs.kpi.feesHint")} />
        <Kpi testId="kpi-failed" label={t("costs.kpi.failed")} value={money(data.totals.failedCostCny)} exact={data.totals.failedCostCny} hint={t("costs.kpi.failedHint", { calls: formatCount(data.totals.failedCalls, locale) })} />
        <Kpi testId="kpi-retried" label={t("costs.kpi.retried")} value={money(data.totals.retriedCostCny)} exact={data.totals.retriedCostCny} hint={t("costs.kpi.retriedHint", { calls: formatCount(data.totals.retriedCalls, locale) })} />
        <Kpi testId="kpi-batch" label={t("costs.kpi.batchSaved")} value={derived(u.batchSavedCny)} exact={u.batchSavedCny} hint={t("costs.kpi.batchSavedHint")} />
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("costs.charts.overTime")}</CardTitle>
          </CardHeader>
          <CardContent>
            <SpendChart data={stackedSeries(data.series, data.range, q.granularity)} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("costs.charts.byEndpoint")}</CardTitle>
          </CardHeader>
          <CardContent>
            <EndpointShare data={shareOf(data.byEndpoint)} />
          </CardContent>
        </Card>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <BudgetPanel
            merchantId={merchantId}
            timeZone={tz}
            canWrite={can(access.role, "costs:write")}
            b={{
              month: b.month,
              mtdCny: b.mtdCny,
              forecastCny: b.forecastCny,
              runRateCny: b.runRateCny,
              budgetFen: b.budgetFen,
              usedPct: b.budgetFen === null ? null : percent(toMicro(b.mtdCny), BigInt(b.budgetFen) * 10_000n),
              forecastOver: b.forecastOver,
              burn: burnDown(b.daily, b),
              alerts: alerts.map((a) => ({ threshold: a.threshold, firedAt: a.firedAt.toISOString(), webhookStatus: a.webhookStatus })),
              reviewHourlyRateFen: settings.reviewHourlyRateFen,
              webhookUrl: settings.webhookUrl,
            }}
          />
        </div>
        <Card data-testid="unit-economics">
          <CardHeader>
            <CardTitle>{t("costs.unit.title")}</CardTitle>
          </CardHeader>
          <CardContent className="space-y-3 text-sm">
            <p className="text-xs text-muted-foreground">
              {t("costs.unit.counts", { cases: formatCount(u.cases, locale), resolved: formatCount(u.resolved, locale), auto: formatCount(u.autoResolved, locale), reviewed: formatCount(u.reviewed, locale) })}
            </p>
            <dl className="space-y-1.5">
              <Row label={t("costs.unit.perCase")} value={or(u.perCaseCny)} testId="unit-per-case" />
              <Row label={t("costs.unit.perResolved")} value={or(u.perResolvedCny)} />
              <Row label={t("costs.unit.perAutoResolved")} value={or(u.perAutoResolvedCny)} />
              <Row label={t("costs.unit.humanPerReviewed")} value={or(u.humanPerReviewedCny)} testId="unit-human-per-reviewed" />
              <Row label={t("costs.unit.human")} value={derived(u.humanCostCny)} />
            </dl>
            <p className="text-xs text-muted-foreground">
              {t("costs.unit.humanTotal", { hours: (u.handlingMs / 3_600_000).toFixed(1), rate: formatMoney(u.hourlyRateFen, locale) })}
            </p>
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader className="flex-row flex-wrap items-end justify-between gap-3">
          <CardTitle>{t("costs.views.endpoint")}</CardTitle>
          <ExportPanel merchantId={merchantId} from={q.from} to={q.to} views={views} />
        </CardHeader>
        <CardContent className="space-y-6 overflow-x-auto">
          <SpendTable view="endpoint" rows={data.byEndpoint} />
          <div className="space-y-6">
            <SpendTable view="workflow" rows={data.byWorkflow} />
            <SpendTable view="tier" rows={data.byTier} />
          </div>
          <SpendTable view="outcome" rows={data.byOutcome} />
          {data.byMerchant.length > 0 && <SpendTable view="merchant" rows={data.byMerchant} names={Object.fromEntries(readable.map((m) => [m.merchantId, m.merchantName]))} />}
          <SpendTable view={q.granularity} rows={data.byPeriod} />
          <p className="text-xs text-muted-foreground">{t("costs.exactNote")}</p>
        </CardContent>
      </Card>
    </div>
  );
}

function Kpi({ label, value, exact, hint, testId }: { label: string; value: string; exact: string; hint: string; testId: string }) {
  return (
    <Card>
      <CardContent className="p-4">
        <p className="text-xs text-muted-foreground">{label}</p>
        <p className="mt-1 text-lg font-semibold tabular-nums" data-testid={testId} data-exact={exact}>
          {value}
        </p>
        <p className="text-xs text-muted-foreground">{hint}</p>
      </CardContent>
    </Card>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex justify-between gap-3">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="font-medium tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
