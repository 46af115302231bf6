"use client";

import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from "recharts";
import { useI18n } from "@/components/providers";
import type { ShareSlice } from "@/lib/costs/charts";
import { formatYuan } from "@/lib/i18n/format";
import { Empty } from "./spend-chart";

const COLORS = ["#2563eb", "#7c3aed", "#d97706", "#059669", "#dc2626", "#0891b2", "#64748b", "#db2777", "#65a30d"];

/** API cost share by endpoint, with the exact amount and share in the tooltip and the legend. */
export function EndpointShare({ data }: { data: ShareSlice[] }) {
  const { t, locale } = useI18n();
  if (data.length === 0) return <Empty text={t("costs.charts.empty")} />;
  return (
    <div className="flex flex-wrap items-center gap-4" data-testid="chart-endpoints">
      <div className="h-[200px] w-[200px]">
        <ResponsiveContainer width="100%" height="100%">
          <PieChart>
            <Pie data={data} dataKey="value" nameKey="name" innerRadius={50} outerRadius={90} isAnimationActive={false}>
              {data.map((d, i) => (
                <Cell key={d.name} fill={COLORS[i % COLORS.length]} />
              ))}
            </Pie>
            <Tooltip
              content={({ active, payload }) => {
                if (!active || !payload?.length) return null;
                const s = payload[0]!.payload as ShareSlice;
                return (
                  <div className="rounded-md border border-border bg-card p-2 text-xs shadow-sm tabular-nums">
                    <div className="font-medium">{s.name}</div>
                    <div>
                      {formatYuan(s.costCny, locale, 6)} · {s.pct}%
                    </div>
                  </div>
                );
              }}
            />
          </PieChart>
        </ResponsiveContainer>
      </div>
      <ul className="min-w-48 flex-1 space-y-1 text-xs">
        {data.map((d, i) => (
          <li key={d.name} className="flex items-center justify-between gap-3 tabular-nums">
            <span className="flex items-center gap-1.5">
              <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: COLORS[i % COLORS.length] }} />
              <code>{d.name}</code>
            </span>
            <span className="text-muted-foreground">
              {formatYuan(d.costCny, locale, 6)} · {d.pct}%
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
