"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useI18n } from "@/components/providers";
import type { StackedPoint } from "@/lib/costs/charts";
import { WORKFLOWS } from "@/lib/costs/workflow";
import { formatYuan } from "@/lib/i18n/format";

export const WORKFLOW_COLOR = { refund: "#2563eb", dispute: "#d97706", risk: "#7c3aed", other: "#64748b" } as const;

/** Stacked API spend per period by workflow; the tooltip shows the exact amounts. */
export function SpendChart({ data }: { data: StackedPoint[] }) {
  const { t, locale } = useI18n();
  if (data.every((p) => p.totalCny === "0.000000")) return <Empty text={t("costs.charts.empty")} />;
  return (
    <div data-testid="chart-spend">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 4 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="period" tick={{ fontSize: 10 }} minTickGap={16} />
          <YAxis tick={{ fontSize: 10 }} width={56} tickFormatter={(v: number) => formatYuan(String(v), locale, 2)} />
          <Tooltip
            cursor={{ fill: "rgba(0,0,0,0.04)" }}
            content={({ active, payload, label }) => {
              if (!active || !payload?.length) return null;
              const p = payload[0]!.payload as StackedPoint;
              return (
                <div className="rounded-md border border-border bg-card p-2 text-xs shadow-sm">
                  <div className="mb-1 font-medium">{String(label)}</div>
                  {WORKFLOWS.filter((w) => p[w] > 0).map((w) => (
                    <div key={w} className="flex justify-between gap-4 tabular-nums">
                      <span style={{ color: WORKFLOW_COLOR[w] }}>{t(`costs.workflow.${w}`)}</span>
                      <span>{formatYuan(p[`${w}Cny`], locale, 6)}</span>
                    </div>
                  ))}
                  <div className="mt-1 flex justify-between gap-4 border-t border-border pt-1 font-medium tabular-nums">
                    <span>{t("costs.col.total")}</span>
                    <span>{formatYuan(p.totalCny, locale, 6)}</span>
                  </div>
                </div>
              );
            }}
          />
          <Legend formatter={(value: string) => t(`costs.workflow.${value as (typeof WORKFLOWS)[number]}`)} wrapperStyle={{ fontSize: 11 }} />
          {WORKFLOWS.map((w) => (
            <Bar key={w} dataKey={w} stackId="spend" fill={WORKFLOW_COLOR[w]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function Empty({ text }: { text: string }) {
  return (
    <div className="flex h-[200px] items-center justify-center rounded-md border border-dashed border-border text-sm text-muted-foreground" data-testid="chart-empty">
      {text}
    </div>
  );
}
