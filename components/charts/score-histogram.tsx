"use client";

import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HistogramBar } from "@/lib/policy/charts";

const ZONE_COLOR = { approve: "#16a34a", grey: "#d97706", reject: "#dc2626" } as const;
// The bucket a threshold falls in (the epsilon keeps 0.3 / 0.05 = 5.999… in bucket 6).
const nearestLabel = (x: number) => (Math.min(19, Math.floor(x * 20 + 1e-9)) / 20).toFixed(2);

export function ScoreHistogram({ data, approveBelow, rejectAt }: { data: HistogramBar[]; approveBelow: number; rejectAt: number }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={data} margin={{ top: 18, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid vertical={false} stroke="#eef0f3" />
        <XAxis dataKey="label" tick={{ fontSize: 10 }} interval={3} />
        <YAxis tick={{ fontSize: 10 }} allowDecimals={false} />
        <Tooltip cursor={{ fill: "rgba(0,0,0,0.04)" }} />
        <Bar dataKey="count" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.label} fill={ZONE_COLOR[d.zone]} fillOpacity={0.75} />
          ))}
        </Bar>
        <ReferenceLine x={nearestLabel(approveBelow)} stroke="#16a34a" strokeDasharray="4 3" label={{ value: `X ${approveBelow}`, fontSize: 10, position: "top" }} />
        <ReferenceLine x={nearestLabel(rejectAt)} stroke="#dc2626" strokeDasharray="4 3" label={{ value: `Y ${rejectAt}`, fontSize: 10, position: "top" }} />
      </BarChart>
    </ResponsiveContainer>
  );
}
