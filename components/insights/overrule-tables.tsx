import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { Locale, Translate } from "@/lib/i18n";
import { percent } from "@/lib/insights/charts";
import type { OverruleRow, Overrules } from "@/lib/insights/series";

function Breakdown({ title, rows, label, t, locale, testId }: { title: string; rows: OverruleRow[]; label: (key: string) => string; t: Translate; locale: Locale; testId: string }) {
  const n = new Intl.NumberFormat(locale);
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold text-muted-foreground">{title}</h3>
      <Table data-testid={testId}>
        <THead>
          <tr>
            <TH>{t("insights.overrules.key")}</TH>
            <TH className="text-right">{t("insights.overrules.decided")}</TH>
            <TH className="text-right">{t("insights.overrules.overruled")}</TH>
            <TH className="text-right">{t("insights.overrules.rate")}</TH>
          </tr>
        </THead>
        <TBody>
          {rows.map((r) => (
            <TR key={r.key}>
              <TD>{r.key === "" ? t("insights.overrules.none") : label(r.key)}</TD>
              <TD className="text-right tabular-nums">{n.format(r.decided)}</TD>
              <TD className="text-right tabular-nums">{n.format(r.overruled)}</TD>
              <TD className="text-right tabular-nums">{percent(r.rate)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

export function OverruleTables({ overrules, agents, t, locale }: { overrules: Overrules; agents: Record<string, string>; t: Translate; locale: Locale }) {
  const route = (k: string) => (k === "AUTO_APPROVE" || k === "REVIEW" || k === "AUTO_REJECT" ? t(`route.${k}`) : k);
  return (
    <Card data-testid="overrules">
      <CardHeader>
        <CardTitle>{t("insights.overrules.title")}</CardTitle>
        <p className="text-xs text-muted-foreground">{t("insights.overrules.note")}</p>
      </CardHeader>
      <CardContent>
        {overrules.total.decided === 0 ? (
          <p className="text-sm text-muted-foreground">{t("insights.overrules.empty")}</p>
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            <Breakdown title={t("insights.overrules.byModel")} rows={overrules.byModel} label={(k) => k} t={t} locale={locale} testId="overrules-model" />
            <Breakdown title={t("insights.overrules.byReason")} rows={overrules.byReason} label={(k) => k} t={t} locale={locale} testId="overrules-reason" />
            <Breakdown title={t("insights.overrules.byLane")} rows={overrules.byLane} label={route} t={t} locale={locale} testId="overrules-lane" />
            <Breakdown title={t("insights.overrules.byAgent")} rows={overrules.byAgent} label={(k) => agents[k] ?? k} t={t} locale={locale} testId="overrules-agent" />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
