import { AlertsPanel } from "@/components/insights/alerts-panel";
import { FiltersForm } from "@/components/insights/filters-form";
import { DistributionChart, DriftChart, MixChart } from "@/components/insights/insights-charts";
import { OverruleTables } from "@/components/insights/overrule-tables";
import { NotAllowed } from "@/components/shell/not-allowed";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageAccess } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { getT } from "@/lib/i18n/server";
import { detectDriftAlerts, openDriftAlerts, recordDriftAlerts } from "@/lib/insights/alerts";
import { driftRows, percent } from "@/lib/insights/charts";
import { loadInsights } from "@/lib/insights/queries";
import { insightsFilters, toFilters } from "@/lib/insights/schemas";
import { isEmpty, MIN_DAY_COUNT } from "@/lib/insights/series";
import { psiBand } from "@/lib/insights/stats";

const FILTER_KEYS = ["days", "category", "model", "cross", "band"] as const;

export default async function InsightsPage({ params, searchParams }: PageProps<"/m/[merchantId]/insights">) {
  const { merchantId } = await params;
  const access = await pageAccess(merchantId, "insights:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t, locale } = await getT();
  const sp = await searchParams;
  const raw = Object.fromEntries(FILTER_KEYS.flatMap((k) => (typeof sp[k] === "string" ? [[k, sp[k]]] : [])));
  const parsed = insightsFilters.safeParse(raw);
  const values = parsed.success ? parsed.data : insightsFilters.parse({});
  const { days, filters } = toFilters(values);
  const prisma = await db();

  const data = await loadInsights(prisma, merchantId, { days, filters });
  // Alerts are merchant-wide: the unfiltered view's conditions, or a separate unfiltered detection.
  if (Object.keys(filters).length === 0) await recordDriftAlerts(prisma, merchantId, data.view.conditions);
  else await detectDriftAlerts(prisma, merchantId);
  const alerts = await openDriftAlerts(prisma, merchantId);

  const { view, thresholds } = data;
  const n = new Intl.NumberFormat(locale);
  const latest = [...view.drift].reverse().find((d) => d.score.psi !== null);
  const o = view.overrules;
  const kpis = [
    { key: "decisions", label: t("insights.kpi.decisions"), value: n.format(view.totals.window), sub: view.totals.windowUnscored ? t("insights.kpi.unscored", { count: n.format(view.totals.windowUnscored) }) : "" },
    {
      key: "psi",
      label: t("insights.kpi.latestPsi"),
      value: latest ? latest.score.psi!.toFixed(3) : "—",
      sub: latest ? `${latest.day} · KS ${latest.score.ks!.toFixed(3)}` : "",
      band: latest ? psiBand(latest.score.psi!) : null,
    },
    { key: "overrule", label: t("insights.kpi.overruleRate"), value: percent(o.total.rate), sub: t("insights.kpi.ofCount", { part: n.format(o.total.overruled), whole: n.format(o.total.decided) }) },
    { key: "fp", label: t("insights.kpi.falsePositives"), value: percent(o.falsePositives.share), sub: t("insights.kpi.ofCount", { part: n.format(o.falsePositives.approved), whole: n.format(o.falsePositives.decided) }) },
    { key: "disputed", label: t("insights.kpi.disputedApprovals"), value: percent(o.disputedApprovals.share), sub: t("insights.kpi.ofCount", { part: n.format(o.disputedApprovals.disputed), whole: n.format(o.disputedApprovals.approved) }) },
  ];
  const bandTone = { stable: "success", moderate: "warning", significant: "danger" } as const;

  return (
    <div className="space-y-4" data-testid="insights-page">
      <div>
        <h1 className="text-xl font-semibold">{t("insights.title")}</h1>
        <p className="text-sm text-muted-foreground">{t("insights.subtitle", { merchant: access.merchant.name })}</p>
      </div>
      <AlertsPanel merchantId={merchantId} alerts={alerts.rows} canAcknowledge={can(access.role, "thresholds:write")} />
      <Card>
        <CardContent className="space-y-2">
          <FiltersForm values={values} options={data.options} t={t} />
          <p className="text-xs text-muted-foreground">
            {t("insights.filters.compared", { from: view.ranges.window.from, to: view.ranges.window.to, refFrom: view.ranges.reference.from, refTo: view.ranges.reference.to })}
          </p>
          {!parsed.success && (
            <p role="alert" className="text-sm text-destructive" data-testid="bad-filter">
              {t("insights.badFilter")}
            </p>
          )}
        </CardContent>
      </Card>

      {isEmpty(view) ? (
        <Card className="p-8 text-center text-sm text-muted-foreground" data-testid="insights-empty">
          {t("insights.empty")}
        </Card>
      ) : (
        <>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
            {kpis.map((k) => (
              <Card key={k.key} className="p-3" data-testid={`kpi-${k.key}`}>
                <div className="text-xs text-muted-foreground">{k.label}</div>
                <div className="mt-1 flex items-center gap-2 text-lg font-semibold tabular-nums">
                  {k.value}
                  {"band" in k && k.band && <Badge tone={bandTone[k.band]}>{t(`insights.charts.${k.band}`)}</Badge>}
                </div>
                {k.sub && <div className="text-xs text-muted-foreground">{k.sub}</div>}
              </Card>
            ))}
          </div>

          <div className="grid gap-4 xl:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>{t("insights.charts.scoreTitle")}</CardTitle>
                <p className="text-xs text-muted-foreground">{t("insights.charts.histNote", { version: thresholds.version })}</p>
              </CardHeader>
              <CardContent>
                <DistributionChart
                  testId="score-histogram"
                  data={view.histograms.score}
                  xLabel={t("insights.charts.score")}
                  thresholds={[
                    { value: thresholds.autoApproveBelow, label: t("insights.charts.approveBelow", { value: thresholds.autoApproveBelow }), color: "#16a34a" },
                    { value: thresholds.autoRejectAtOrAbove, label: t("insights.charts.rejectAt", { value: thresholds.autoRejectAtOrAbove }), color: "#dc2626" },
                  ]}
                />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>{t("insights.charts.confidenceTitle")}</CardTitle>
                <p className="text-xs text-muted-foreground">{t("insights.charts.histNote", { version: thresholds.version })}</p>
              </CardHeader>
              <CardContent>
                <DistributionChart
                  testId="confidence-histogram"
                  data={view.histograms.confidence}
                  xLabel={t("insights.charts.confidence")}
                  thresholds={[{ value: thresholds.confidenceFloor, label: t("insights.charts.floor", { value: thresholds.confidenceFloor }), color: "#d97706" }]}
                />
              </CardContent>
            </Card>
          </div>

          <Card>
            <CardHeader>
              <CardTitle>{t("insights.charts.driftTitle")}</CardTitle>
              <p className="text-xs text-muted-foreground">{t("insights.charts.driftNote", { min: MIN_DAY_COUNT })}</p>
              <p className="text-xs text-muted-foreground">{t("insights.charts.markersNote")}</p>
            </CardHeader>
            <CardContent>
              <DriftChart data={driftRows(view, "psi")} markers={view.markers} stat="psi" />
            </CardContent>
          </Card>
          <div className="grid gap-4 xl:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>{t("insights.charts.ksTitle")}</CardTitle>
                <p className="text-xs text-muted-foreground">{t("insights.charts.ksNote")}</p>
              </CardHeader>
              <CardContent>
                <DriftChart data={driftRows(view, "ks")} markers={view.markers} stat="ks" />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>{t("insights.charts.mixTitle")}</CardTitle>
                <p className="text-xs text-muted-foreground">{t("insights.charts.mixNote")}</p>
              </CardHeader>
              <CardContent>
                <MixChart data={view.mix} markers={view.markers} />
              </CardContent>
            </Card>
          </div>
          <OverruleTables overrules={o} agents={data.agents} t={t} locale={locale} />
        </>
      )}
    </div>
  );
}
