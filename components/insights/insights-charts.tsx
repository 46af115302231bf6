"use client";

import {
  Area,
  AreaChart,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useI18n } from "@/components/providers";
import { markerLines, percent, psiAxisTop, thresholdMark, type DriftRow } from "@/lib/insights/charts";
import type { HistBin, Marker, MixPoint } from "@/lib/insights/series";

const COLORS = { window: "#2563eb", reference: "#9ca3af", score: "#2563eb", confidence: "#16a34a", mix: "#d97706", PASS: "#16a34a", REVIEW: "#d97706", REJECT: "#dc2626", model: "#7c3aed", threshold: "#6b7280" };
const AXIS = { fontSize: 10 };
const shortDay = (d: string) => d.slice(5);

function Empty({ height }: { height: number }) {
  const { t } = useI18n();
  return (
    <div className="flex items-center justify-center rounded border border-dashed border-border text-sm text-muted-foreground" style={{ height }} data-testid="chart-empty">
      {t("insights.empty")}
    </div>
  );
}

export interface ThresholdLine {
  value: number;
  label: string;
  color: string;
}

/** Window against reference, as shares per bin, with the thresholds in force. */
export function DistributionChart({ data, xLabel, thresholds, testId }: { data: HistBin[]; xLabel: string; thresholds: ThresholdLine[]; testId: string }) {
  const { t, locale } = useI18n();
  if (data.every((b) => b.windowCount === 0 && b.referenceCount === 0)) return <Empty height={260} />;
  return (
    <div data-testid={testId}>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 22, right: 12, bottom: 18, left: 4 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="label" tick={AXIS} interval={1} label={{ value: xLabel, position: "insideBottom", offset: -10, fontSize: 11 }} />
          <YAxis tick={AXIS} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} width={44} label={{ value: t("insights.charts.share"), angle: -90, position: "insideLeft", fontSize: 11, dy: 40 }} />
          <Tooltip
            formatter={(value, name, item) => {
              const p = item.payload as HistBin;
              const count = name === t("insights.charts.window") ? p.windowCount : p.referenceCount;
              return [`${percent(Number(value))} (${new Intl.NumberFormat(locale).format(count)})`, name];
            }}
            labelFormatter={(label, payload) => {
              const p = payload?.[0]?.payload as HistBin | undefined;
              return p ? `${p.from.toFixed(2)} – ${p.to.toFixed(2)}` : String(label);
            }}
          />
          <Legend verticalAlign="bottom" height={24} wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="window" name={t("insights.charts.window")} fill={COLORS.window} fillOpacity={0.7} isAnimationActive={false} />
          <Line dataKey="reference" name={t("insights.charts.reference")} type="step" stroke={COLORS.reference} strokeWidth={2} dot={false} isAnimationActive={false} />
          {thresholds.map((th) => {
            const mark = thresholdMark(th.value);
            return <ReferenceLine key={th.label} x={mark.x} position={mark.position} stroke={th.color} strokeDasharray="4 3" label={{ value: th.label, fontSize: 10, position: "top", fill: th.color }} />;
          })}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function MarkerLines({ markers }: { markers: Marker[] }) {
  const { t } = useI18n();
  return markerLines(markers).map((m) => (
    <ReferenceLine
      key={`${m.day}-${m.kind}`}
      x={m.day}
      stroke={COLORS[m.kind]}
      strokeDasharray="3 3"
      label={{ value: t(m.kind === "model" ? "insights.charts.modelMarker" : "insights.charts.thresholdMarker", { label: m.label }), fontSize: 9, position: "insideTopLeft", fill: COLORS[m.kind] }}
    />
  ));
}

/** PASS / REVIEW / REJECT shares per day, stacked. */
export function MixChart({ data, markers }: { data: MixPoint[]; markers: Marker[] }) {
  const { t, locale } = useI18n();
  if (data.every((d) => d.total === 0)) return <Empty height={240} />;
  return (
    <div data-testid="mix-chart">
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 18, left: 4 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="day" tick={AXIS} tickFormatter={shortDay} minTickGap={24} label={{ value: t("insights.charts.day"), position: "insideBottom", offset: -10, fontSize: 11 }} />
          <YAxis tick={AXIS} domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} width={44} />
          <Tooltip formatter={(value, name) => [percent(Number(value)), name]} labelFormatter={(label, payload) => `${label} · ${t("insights.charts.decisions")}: ${new Intl.NumberFormat(locale).format((payload?.[0]?.payload as MixPoint | undefined)?.total ?? 0)}`} />
          <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
          {(["PASS", "REVIEW", "REJECT"] as const).map((k) => (
            <Area key={k} dataKey={k} name={k} stackId="mix" type="step" stroke={COLORS[k]} fill={COLORS[k]} fillOpacity={0.55} isAnimationActive={false} />
          ))}
          <MarkerLines markers={markers} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

/** PSI (with the 0.1 / 0.25 bands) or KS per day for score, confidence and mix, with markers. */
export function DriftChart({ data, markers, stat }: { data: DriftRow[]; markers: Marker[]; stat: "psi" | "ks" }) {
  const { t } = useI18n();
  if (data.every((d) => d.score === null && d.confidence === null && d.mix === null)) return <Empty height={260} />;
  const top = stat === "psi" ? psiAxisTop(data) : 1;
  return (
    <div data-testid={`drift-${stat}`}>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 18, left: 4 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="day" tick={AXIS} tickFormatter={shortDay} minTickGap={24} label={{ value: t("insights.charts.day"), position: "insideBottom", offset: -10, fontSize: 11 }} />
          <YAxis tick={AXIS} domain={[0, top]} width={44} allowDataOverflow label={{ value: t(stat === "psi" ? "insights.charts.psi" : "insights.charts.ks"), angle: -90, position: "insideLeft", fontSize: 11 }} />
          {stat === "psi" && (
            <>
              <ReferenceArea y1={0} y2={0.1} fill="#16a34a" fillOpacity={0.06} label={{ value: t("insights.charts.stable"), position: "insideRight", fontSize: 9, fill: "#16a34a" }} />
              <ReferenceArea y1={0.1} y2={0.25} fill="#d97706" fillOpacity={0.08} label={{ value: t("insights.charts.moderate"), position: "insideRight", fontSize: 9, fill: "#b45309" }} />
              <ReferenceArea y1={0.25} y2={top} fill="#dc2626" fillOpacity={0.05} label={{ value: t("insights.charts.significant"), position: "insideTopRight", fontSize: 9, fill: "#dc2626" }} />
            </>
          )}
          <Tooltip formatter={(value, name) => [value === null || value === undefined ? t("insights.charts.noValue") : Number(value).toFixed(3), name]} />
          <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
          <Line dataKey="score" name={t("insights.charts.scoreSeries")} stroke={COLORS.score} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
          <Line dataKey="confidence" name={t("insights.charts.confidenceSeries")} stroke={COLORS.confidence} strokeWidth={1.5} dot={false} connectNulls={false} isAnimationActive={false} />
          <Line dataKey="mix" name={t("insights.charts.mixSeries")} stroke={COLORS.mix} strokeWidth={1.5} strokeDasharray="5 2" dot={false} connectNulls={false} isAnimationActive={false} />
          <MarkerLines markers={markers} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
