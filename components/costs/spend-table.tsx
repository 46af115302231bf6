"use client";

import { useI18n } from "@/components/providers";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { addDec } from "@/lib/costs/decimal";
import { totalsOf, type SpendRow } from "@/lib/costs/rows";
import type { CostView } from "@/lib/costs/range";
import { formatCount, formatYuan } from "@/lib/i18n/format";
import type { MessageKey } from "@/lib/i18n";

/** One view as a table: the exact sums, the failed and retried share, fees apart, and the total. */
export function SpendTable({ view, rows, names }: { view: CostView; rows: SpendRow[]; names?: Record<string, string> }) {
  const { t, locale } = useI18n();
  const label = (key: string) =>
    view === "workflow" || view === "tier" || view === "outcome" ? t(`costs.${view}.${key}` as MessageKey) : view === "merchant" ? (names?.[key] ?? key) : key;
  const money = (s: string) => formatYuan(s, locale, 6);
  const total = totalsOf(rows);
  return (
    <Table data-testid={`table-${view}`}>
      <THead>
        <tr>
          <TH>{t(`costs.views.${view}`)}</TH>
          <TH className="text-right">{t("costs.col.calls")}</TH>
          <TH className="text-right">{t("costs.col.failedCalls")}</TH>
          <TH className="text-right">{t("costs.col.retriedCalls")}</TH>
          <TH className="text-right">{t("costs.col.costCny")}</TH>
          <TH className="text-right">{t("costs.col.failedCostCny")}</TH>
          <TH className="text-right">{t("costs.col.feeCny")}</TH>
          <TH className="text-right">{t("costs.col.totalCny")}</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((r) => (
          <TR key={r.key}>
            <TD className="font-medium">{view === "endpoint" ? <code className="text-xs">{r.key}</code> : label(r.key)}</TD>
            <TD className="text-right tabular-nums">{formatCount(r.calls, locale)}</TD>
            <TD className="text-right tabular-nums">{formatCount(r.failedCalls, locale)}</TD>
            <TD className="text-right tabular-nums">{formatCount(r.retriedCalls, locale)}</TD>
            <TD className="text-right tabular-nums">{money(r.costCny)}</TD>
            <TD className="text-right tabular-nums text-muted-foreground">{money(r.failedCostCny)}</TD>
            <TD className="text-right tabular-nums">{money(r.feeCny)}</TD>
            <TD className="text-right tabular-nums">{money(addDec(r.costCny, r.feeCny))}</TD>
          </TR>
        ))}
        <TR className="border-t-2 font-semibold">
          <TD>{t("costs.col.total")}</TD>
          <TD className="text-right tabular-nums">{formatCount(total.calls, locale)}</TD>
          <TD className="text-right tabular-nums">{formatCount(total.failedCalls, locale)}</TD>
          <TD className="text-right tabular-nums">{formatCount(total.retriedCalls, locale)}</TD>
          <TD className="text-right tabular-nums">{money(total.costCny)}</TD>
          <TD className="text-right tabular-nums text-muted-foreground">{money(total.failedCostCny)}</TD>
          <TD className="text-right tabular-nums">{money(total.feeCny)}</TD>
          <TD className="text-right tabular-nums">{money(addDec(total.costCny, total.feeCny))}</TD>
        </TR>
      </TBody>
    </Table>
  );
}
