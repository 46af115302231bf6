"use client";

import { CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { DensityPoint } from "@/lib/policy/charts";

export function RiskConfidenceDensity({ data, approveBelow, rejectAt, floor, xLabel, yLabel }: { data: DensityPoint[]; approveBelow: number; rejectAt: number; floor: number; xLabel: string; yLabel: string }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <ScatterChart margin={{ top: 8, right: 8, bottom: 8, left: -8 }}>
        <CartesianGrid stroke="#eef0f3" />
        <XAxis type="number" dataKey="risk" domain={[0, 1]} tick={{ fontSize: 10 }} name={xLabel} />
        <YAxis type="number" dataKey="confidence" domain={[0, 1]} tick={{ fontSize: 10 }} name={yLabel} />
        <ZAxis type="number" dataKey="count" range={[30, 30]} name="cases" />
        <Tooltip cursor={{ strokeDasharray: "3 3" }} />
        <Scatter data={data} shape="square" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={`${d.risk}-${d.confidence}`} fill="#1677ff" fillOpacity={0.15 + 0.85 * d.weight} />
          ))}
        </Scatter>
        <ReferenceLine x={approveBelow} stroke="#16a34a" strokeDasharray="4 3" />
        <ReferenceLine x={rejectAt} stroke="#dc2626" strokeDasharray="4 3" />
        <ReferenceLine y={floor} stroke="#7c3aed" strokeDasharray="4 3" label={{ value: `floor ${floor}`, fontSize: 10, position: "insideTopRight" }} />
      </ScatterChart>
    </ResponsiveContainer>
  );
}
