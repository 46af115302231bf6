"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { savePolicyAction } from "@/app/(console)/m/[merchantId]/thresholds/actions";
import { RiskConfidenceDensity } from "@/components/charts/risk-confidence-density";
import { ScoreHistogram } from "@/components/charts/score-histogram";
import { useI18n } from "@/components/providers";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatMoney } from "@/lib/i18n/format";
import { densitySeries, histogramSeries } from "@/lib/policy/charts";
import { policyInput, type PolicyInput } from "@/lib/policy/schemas";
import { cn } from "@/lib/ui/cn";
import { useWhatIf } from "./use-whatif";

const ROUTES = ["AUTO_APPROVE", "REVIEW", "AUTO_REJECT"] as const;

function Delta({ value, format }: { value: number; format: (n: number) => string }) {
  if (value === 0) return <span className="text-muted-foreground">±0</span>;
  return <span className={value > 0 ? "text-amber-700" : "text-emerald-700"}>{`${value > 0 ? "+" : "−"}${format(Math.abs(value))}`}</span>;
}

export function ThresholdsEditor({ merchantId, initial, canWrite, fourEyes, categories }: { merchantId: string; initial: PolicyInput; canWrite: boolean; fourEyes: boolean; categories: string[] }) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const [form, setForm] = useState<PolicyInput>(initial);
  const [days, setDays] = useState<7 | 30 | 90>(30);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const parsed = policyInput.safeParse(form);
  const errors = parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
  const whatIf = useWhatIf(merchantId, parsed.success ? form : initial, days);
  const r = whatIf.data;
  const set = (patch: Partial<PolicyInput>) => {
    setForm((f) => ({ ...f, ...patch }));
    setMessage(null);
  };
  const overrides = form.overrides ?? [];
  const setOverride = (i: number, patch: Record<string, string | undefined>) =>
    set({ overrides: overrides.map((o, j) => (j === i ? { ...o, ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v === "" ? undefined : v])) } : o)) });
  const money = (fen: number) => formatMoney(fen, locale);
  const x = parsed.success ? parsed.data.autoApproveBelow : Number(initial.autoApproveBelow);
  const y = parsed.success ? parsed.data.autoRejectAtOrAbove : Number(initial.autoRejectAtOrAbove);
  const floor = parsed.success ? parsed.data.confidenceFloor : Number(initial.confidenceFloor);

  function save() {
    start(async () => {
      const result = await savePolicyAction(merchantId, form);
      if (!result.ok) setMessage({ ok: false, text: result.error.message });
      else {
        setMessage({ ok: true, text: t("thresholds.saved", { version: result.data }) });
        router.refresh();
      }
    });
  }

  const field = (name: "autoApproveBelow" | "autoRejectAtOrAbove" | "confidenceFloor" | "hitlLimit", step: string) => (
    <div className="space-y-1">
      <Label htmlFor={name}>{t(`thresholds.${name}`)}</Label>
      <div className="flex items-center gap-2">
        {name !== "hitlLimit" && (
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            aria-label={t(`thresholds.${name}`)}
            value={Number(form[name]) || 0}
            disabled={!canWrite}
            onChange={(e) => set({ [name]: Number(e.target.value).toFixed(2) })}
            className="w-full accent-[#1677ff]"
          />
        )}
        <Input
          id={name}
          data-testid={`field-${name}`}
          value={form[name]}
          inputMode="decimal"
          step={step}
          disabled={!canWrite}
          aria-invalid={Boolean(errors[name])}
          onChange={(e) => set({ [name]: e.target.value })}
          className={cn("w-24", name === "hitlLimit" && "w-32")}
        />
      </div>
      {errors[name] && (
        <p className="text-xs text-destructive" role="alert">
          {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <div className="grid gap-4 xl:grid-cols-[24rem_minmax(0,1fr)]">
      <Card>
        <CardHeader>
          <CardTitle>{t("thresholds.candidate")}</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          {!canWrite && <p className="text-sm text-muted-foreground">{t("thresholds.readOnly")}</p>}
          {field("autoApproveBelow", "0.01")}
          {field("autoRejectAtOrAbove", "0.01")}
          {field("confidenceFloor", "0.01")}
          {field("hitlLimit", "1")}
          <div className="grid grid-cols-2 gap-3">
            <div className="space-y-1">
              <Label htmlFor="highRiskAction">{t("thresholds.highRiskAction")}</Label>
              <Select id="highRiskAction" className="w-full" value={form.highRiskAction} disabled={!canWrite} onChange={(e) => set({ highRiskAction: e.target.value as PolicyInput["highRiskAction"] })}>
                <option value="AUTO_REJECT">{t("thresholds.highRiskAUTO_REJECT")}</option>
                <option value="REVIEW">{t("thresholds.highRiskREVIEW")}</option>
              </Select>
            </div>
            <div className="space-y-1">
              <Label htmlFor="aiUnavailable">{t("thresholds.aiUnavailable")}</Label>
              <Select id="aiUnavailable" className="w-full" value={form.aiUnavailable} disabled={!canWrite} onChange={(e) => set({ aiUnavailable: e.target.value as PolicyInput["aiUnavailable"] })}>
                <option value="REVIEW">{t("thresholds.aiUnavailableREVIEW")}</option>
                <option value="AUTO_REJECT">{t("thresholds.aiUnavailableAUTO_REJECT")}</option>
              </Select>
            </div>
          </div>
          <div className="space-y-2">
            <div className="text-xs font-medium text-muted-foreground">{t("thresholds.overrides")}</div>
            {overrides.map((o, i) => (
              <div key={i} className="space-y-1 rounded-md border border-border p-2">
                <div className="flex gap-2">
                  <Select aria-label={t("thresholds.category")} className="h-8 flex-1" value={o.category} disabled={!canWrite} onChange={(e) => setOverride(i, { category: e.target.value })}>
                    {[...new Set([o.category, ...categories])].filter(Boolean).map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </Select>
                  {canWrite && (
                    <Button size="sm" variant="ghost" onClick={() => set({ overrides: overrides.filter((_, j) => j !== i) })}>
                      {t("thresholds.remove")}
                    </Button>
                  )}
                </div>
                <div className="grid grid-cols-4 gap-1">
                  {(["autoApproveBelow", "autoRejectAtOrAbove", "confidenceFloor", "hitlLimit"] as const).map((k) => (
                    <Input key={k} aria-label={`${o.category} ${t(`thresholds.${k}`)}`} title={t(`thresholds.${k}`)} placeholder={String(form[k])} className="h-8 px-1.5 text-xs" disabled={!canWrite} value={o[k] ?? ""} onChange={(e) => setOverride(i, { [k]: e.target.value })} />
                  ))}
                </div>
                {Object.entries(errors)
                  .filter(([k]) => k.startsWith(`overrides.${i}.`))
                  .map(([k, v]) => (
                    <p key={k} className="text-xs text-destructive">
                      {v}
                    </p>
                  ))}
              </div>
            ))}
            {canWrite && categories.length > 0 && (
              <Button size="sm" variant="secondary" onClick={() => set({ overrides: [...overrides, { category: categories.find((c) => !overrides.some((o) => o.category === c)) ?? categories[0]! }] })}>
                {t("thresholds.addOverride")}
              </Button>
            )}
          </div>
          {canWrite && (
            <>
              <div className="space-y-1">
                <Label htmlFor="note">{t("thresholds.note")}</Label>
                <Input id="note" value={form.note ?? ""} maxLength={300} onChange={(e) => set({ note: e.target.value })} />
              </div>
              <Button className="w-full" disabled={!parsed.success || pending} onClick={save} data-testid="save-policy">
                {fourEyes ? t("thresholds.saveFourEyes") : t("thresholds.save")}
              </Button>
            </>
          )}
          {message && (
            <p role="status" data-testid="policy-message" className={cn("text-sm", message.ok ? "text-emerald-700" : "text-destructive")}>
              {message.text}
            </p>
          )}
        </CardContent>
      </Card>

      <Card data-testid="whatif">
        <CardHeader className="flex-row items-center justify-between">
          <CardTitle>{t("thresholds.whatIf")}</CardTitle>
          <div className="flex items-center gap-2 text-xs text-muted-foreground">
            {r && <span data-testid="whatif-meta">{t("thresholds.decisions", { n: r.total.toLocaleString(locale), ms: r.computedMs })}</span>}
            <Select aria-label={t("thresholds.window")} className="h-8" value={days} onChange={(e) => setDays(Number(e.target.value) as 7 | 30 | 90)} data-testid="whatif-days">
              {[7, 30, 90].map((n) => (
                <option key={n} value={n}>
                  {t("thresholds.days", { n })}
                </option>
              ))}
            </Select>
          </div>
        </CardHeader>
        <CardContent className={cn("space-y-4", whatIf.isFetching && "opacity-70")}>
          {whatIf.error && <p className="text-sm text-destructive">{whatIf.error.message}</p>}
          {r && (
            <>
              <Table data-testid="whatif-lanes">
                <THead>
                  <tr>
                    <TH>{t("thresholds.lane")}</TH>
                    <TH className="text-right">{t("thresholds.current")}</TH>
                    <TH className="text-right">{t("thresholds.candidate")}</TH>
                    <TH className="text-right">{t("thresholds.change")}</TH>
                    <TH className="text-right">{t("thresholds.amount")}</TH>
                  </tr>
                </THead>
                <TBody>
                  {ROUTES.map((route) => (
                    <TR key={route} data-testid={`whatif-${route}`}>
                      <TD>{t(`route.${route}`)}</TD>
                      <TD className="text-right tabular-nums">{r.lanes.current[route].cases.toLocaleString(locale)}</TD>
                      <TD className="text-right tabular-nums" data-testid={`whatif-${route}-candidate`}>
                        {r.lanes.candidate[route].cases.toLocaleString(locale)}
                      </TD>
                      <TD className="text-right tabular-nums" data-testid={`whatif-${route}-change`}>
                        <Delta value={r.lanes.change[route].cases} format={(n) => n.toLocaleString(locale)} />
                      </TD>
                      <TD className="text-right tabular-nums">{money(r.lanes.candidate[route].amountFen)}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
              <div className="grid gap-3 sm:grid-cols-3">
                <div className="rounded-md border border-border p-3">
                  <div className="text-xs text-muted-foreground">{t("thresholds.autoApproved")}</div>
                  <div className="text-lg font-semibold tabular-nums">{money(r.autoApprovedFen.candidate)}</div>
                  <div className="text-xs tabular-nums">
                    <Delta value={r.autoApprovedFen.change} format={money} />
                  </div>
                </div>
                <div className="rounded-md border border-border p-3">
                  <div className="text-xs text-muted-foreground">{t("thresholds.workload")}</div>
                  <div className="text-lg font-semibold tabular-nums" data-testid="whatif-hours">
                    {t("thresholds.hours", { h: r.workload.candidate.hours.toFixed(1) })}
                  </div>
                  <div className="text-xs text-muted-foreground">
                    <Delta value={Number(r.workload.changeHours.toFixed(1))} format={(n) => n.toFixed(1)} />{" "}
                    {r.workload.estimated
                      ? t("thresholds.handlingEstimated", { min: (r.workload.meanHandlingMs / 60_000).toFixed(1) })
                      : t("thresholds.handling", { min: (r.workload.meanHandlingMs / 60_000).toFixed(1), n: r.workload.sample })}
                  </div>
                </div>
                <div className="rounded-md border border-border p-3">
                  <div className="text-xs text-muted-foreground">{t("thresholds.wrong")}</div>
                  <div className="mt-1 text-xs">
                    {t("thresholds.wrongDisputed")}: <b className="tabular-nums">{r.wrong.disputedAfterAutoApprove.routedDifferently}</b> / {r.wrong.disputedAfterAutoApprove.cases}
                  </div>
                  <div className="text-xs">
                    {t("thresholds.wrongOverturned")}: <b className="tabular-nums">{r.wrong.refundedAfterAutoReject.routedDifferently}</b> / {r.wrong.refundedAfterAutoReject.cases}
                  </div>
                </div>
              </div>
              <div className="grid gap-4 lg:grid-cols-2">
                <div>
                  <div className="mb-1 text-xs font-medium text-muted-foreground">{t("thresholds.histogram")}</div>
                  <ScoreHistogram data={histogramSeries(r.histogram, x, y)} approveBelow={x} rejectAt={y} />
                </div>
                <div>
                  <div className="mb-1 text-xs font-medium text-muted-foreground">{t("thresholds.density")}</div>
                  <RiskConfidenceDensity data={densitySeries(r.density)} approveBelow={x} rejectAt={y} floor={floor} xLabel={t("thresholds.risk")} yLabel={t("thresholds.confidence")} />
                </div>
              </div>
            </>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
