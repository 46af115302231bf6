"use client";

import { Download } from "lucide-react";
import { useState } from "react";
import { useI18n } from "@/components/providers";
import { buttonVariants } from "@/components/ui/button";
import { Label, Select } from "@/components/ui/input";
import { EXPORTS, type CostExport, type NumberFormat } from "@/lib/costs/range";

/** Any view of the page as a CSV: the route streams the same rollup sums and rounded figures the page shows. */
export function ExportPanel({ merchantId, from, to, views }: { merchantId: string; from: string; to: string; views: readonly CostExport[] }) {
  const { t, locale } = useI18n();
  const [view, setView] = useState<CostExport>(views[0] ?? "day");
  const [format, setFormat] = useState<NumberFormat>("plain");
  const href = `/api/m/${encodeURIComponent(merchantId)}/costs/export?${new URLSearchParams({ from, to, view, format, lang: locale }).toString()}`;
  return (
    <div className="flex flex-wrap items-end gap-2" data-testid="export-panel">
      <div>
        <Label htmlFor="export-view">{t("costs.export.view")}</Label>
        <Select id="export-view" value={view} onChange={(e) => setView(e.target.value as CostExport)} data-testid="export-view">
          {EXPORTS.filter((v) => views.includes(v)).map((v) => (
            <option key={v} value={v}>
              {t(`costs.views.${v}`)}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <Label htmlFor="export-format">{t("costs.export.format")}</Label>
        <Select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as NumberFormat)} data-testid="export-format">
          <option value="plain">{t("costs.export.plain")}</option>
          <option value="en">{t("costs.export.en")}</option>
          <option value="zh-CN">{t("costs.export.zhCN")}</option>
        </Select>
      </div>
      <a href={href} download className={buttonVariants({ variant: "secondary" })} data-testid="export-csv">
        <Download className="h-4 w-4" aria-hidden />
        {t("costs.export.download")}
      </a>
    </div>
  );
}
