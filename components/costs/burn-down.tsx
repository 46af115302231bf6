"use client";

import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useI18n } from "@/components/providers";
import type { BurnPoint } from "@/lib/costs/forecast";
import { formatYuan } from "@/lib/i18n/format";

/** Month to date against the budget, continued by the run-rate forecast. */
export function BurnDown({ data, budgetCny }: { data: BurnPoint[]; budgetCny: string | null }) {
  const { t, locale } = useI18n();
  return (
    <div data-testid="chart-burn">
      <ResponsiveContainer width="100%" height={200}>
        <ComposedChart data={data} margin={{ top: 12, right: 12, bottom: 0, left: 4 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="day" tick={{ fontSize: 10 }} tickFormatter={(d: string) => d.slice(8)} minTickGap={8} />
          <YAxis tick={{ fontSize: 10 }} width={56} tickFormatter={(v: number) => formatYuan(String(v), locale, 2)} domain={[0, (max: number) => Math.max(max, budgetCny ? Number(budgetCny) : 0)]} />
          <Tooltip
            content={({ active, payload, label }) => {
              if (!active || !payload?.length) return null;
              const p = payload[0]!.payload as BurnPoint;
              return (
                <div className="rounded-md border border-border bg-card p-2 text-xs shadow-sm tabular-nums">
                  <div className="mb-1 font-medium">{String(label)}</div>
                  {p.spentCny && (
                    <div>
                      {t("costs.charts.spent")}: {formatYuan(p.spentCny, locale, 6)}
                    </div>
                  )}
                  {p.forecastCny && !p.spentCny && (
                    <div>
                      {t("costs.charts.forecast")}: {formatYuan(p.forecastCny, locale, 2)}
                    </div>
                  )}
                  {budgetCny && (
                    <div className="text-muted-foreground">
                      {t("costs.charts.budget")}: {formatYuan(budgetCny, locale, 2)}
                    </div>
                  )}
                </div>
              );
            }}
          />
          {budgetCny && <ReferenceLine y={Number(budgetCny)} stroke="#dc2626" strokeDasharray="4 3" label={{ value: t("costs.charts.budget"), fontSize: 10, position: "insideTopRight" }} />}
          <Line dataKey="spent" stroke="#2563eb" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
          <Line dataKey="forecast" stroke="#2563eb" strokeDasharray="5 4" dot={false} isAnimationActive={false} connectNulls={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
