import { getT } from "@/lib/i18n/server";

export default async function InsightsLoading() {
  const { t } = await getT();
  return (
    <div className="space-y-4" aria-busy="true" data-testid="insights-loading">
      <h1 className="text-xl font-semibold">{t("insights.title")}</h1>
      <p className="text-sm text-muted-foreground">{t("insights.loading")}</p>
      <div className="grid gap-4 md:grid-cols-2">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-64 animate-pulse rounded-lg border border-border bg-muted" />
        ))}
      </div>
    </div>
  );
}
