"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { saveCostSettingsAction, setBudgetAction } from "@/app/(console)/m/[merchantId]/costs/actions";
import { useI18n } from "@/components/providers";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import type { BurnPoint } from "@/lib/costs/forecast";
import { formatDateTime, formatMoney, formatYuan } from "@/lib/i18n/format";
import { fenToYuan } from "@/lib/alipay/money";
import { BurnDown } from "./burn-down";

export interface BudgetView {
  month: string;
  mtdCny: string;
  /** derived: to the fen */
  forecastCny: string;
  runRateCny: string;
  budgetFen: number | null;
  usedPct: string | null;
  forecastOver: boolean;
  burn: BurnPoint[];
  alerts: { threshold: number; firedAt: string; webhookStatus: string | null }[];
  reviewHourlyRateFen: number;
  webhookUrl: string | null;
}

export function BudgetPanel({ merchantId, b, canWrite, timeZone }: { merchantId: string; b: BudgetView; canWrite: boolean; timeZone: string }) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const [amount, setAmount] = useState(b.budgetFen === null ? "" : fenToYuan(b.budgetFen));
  const [rate, setRate] = useState(fenToYuan(b.reviewHourlyRateFen));
  const [hook, setHook] = useState(b.webhookUrl ?? "");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<{ ok: boolean; error?: { message: string } }>, okText: string) =>
    start(async () => {
      const r = await fn();
      setMessage(r.ok ? { ok: true, text: okText } : { ok: false, text: r.error?.message ?? "failed" });
      if (r.ok) router.refresh();
    });
  const budgetCny = b.budgetFen === null ? null : fenToYuan(b.budgetFen);

  return (
    <Card data-testid="budget-panel">
      <CardHeader className="flex-row items-center justify-between">
        <CardTitle>
          {t("costs.budget.title")} · {b.month}
        </CardTitle>
        {b.usedPct !== null && (
          <Badge tone={Number(b.usedPct) >= 100 ? "danger" : Number(b.usedPct) >= 80 ? "warning" : "success"} data-testid="budget-used">
            {t("costs.budget.used", { pct: b.usedPct })}
          </Badge>
        )}
      </CardHeader>
      <CardContent className="space-y-4">
        <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
          <div>
            <dt className="text-xs text-muted-foreground">{t("costs.budget.mtd")}</dt>
            <dd className="font-semibold tabular-nums" data-testid="budget-mtd">{formatYuan(b.mtdCny, locale, 6)}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t("costs.charts.budget")}</dt>
            <dd className="font-semibold tabular-nums" data-testid="budget-amount">{b.budgetFen === null ? "—" : formatMoney(b.budgetFen, locale)}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t("costs.budget.forecast")}</dt>
            <dd className={`font-semibold tabular-nums ${b.forecastOver ? "text-destructive" : ""}`} data-testid="budget-forecast">{formatYuan(b.forecastCny, locale, 2)}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t("costs.budget.runRate")}</dt>
            <dd className="font-semibold tabular-nums">{t("costs.budget.perDay", { amount: formatYuan(b.runRateCny, locale, 2) })}</dd>
          </div>
        </dl>
        {b.budgetFen === null && <p className="text-sm text-muted-foreground">{t("costs.budget.none", { month: b.month })}</p>}
        {b.forecastOver && (
          <p className="text-sm text-destructive" data-testid="forecast-over">
            {t("costs.budget.forecastOver")}
          </p>
        )}
        <div>
          <p className="mb-1 text-xs font-medium text-muted-foreground">{t("costs.charts.burnDown", { month: b.month })}</p>
          <BurnDown data={b.burn} budgetCny={budgetCny} />
        </div>
        {b.alerts.length > 0 && (
          <div className="text-xs" data-testid="budget-alerts">
            <p className="font-medium">{t("costs.budget.alerts")}</p>
            <ul className="mt-1 space-y-0.5 text-muted-foreground">
              {b.alerts.map((a) => (
                <li key={a.threshold}>
                  {t("costs.budget.alertLine", { threshold: a.threshold, when: formatDateTime(new Date(a.firedAt), locale, timeZone) })}
                  {a.webhookStatus ? ` · ${t("costs.budget.webhook", { status: a.webhookStatus })}` : ""}
                </li>
              ))}
            </ul>
          </div>
        )}
        {message && (
          <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-success" : "text-destructive"}`} data-testid="budget-message">
            {message.text}
          </p>
        )}
        {canWrite && (
          <div className="grid gap-4 border-t border-border pt-4 md:grid-cols-2">
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                run(() => setBudgetAction(merchantId, { month: b.month, amount }), t("costs.budget.saved"));
              }}
            >
              <div>
                <Label htmlFor="budget-amount">{t("costs.budget.amount")}</Label>
                <Input id="budget-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} className="w-36" data-testid="budget-input" />
              </div>
              <Button type="submit" disabled={pending} data-testid="budget-save">
                {t("costs.budget.save")}
              </Button>
            </form>
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                run(() => saveCostSettingsAction(merchantId, { reviewHourlyRate: rate, webhookUrl: hook }), t("costs.settings.saved"));
              }}
            >
              <div>
                <Label htmlFor="rate">{t("costs.settings.hourlyRate")}</Label>
                <Input id="rate" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} className="w-28" data-testid="rate-input" />
              </div>
              <div className="min-w-48 flex-1">
                <Label htmlFor="hook">{t("costs.settings.webhook")}</Label>
                <Input id="hook" type="url" placeholder="https://" value={hook} onChange={(e) => setHook(e.target.value)} data-testid="webhook-input" title={t("costs.settings.webhookHint")} />
              </div>
              <Button type="submit" variant="secondary" disabled={pending} data-testid="settings-save">
                {t("costs.settings.save")}
              </Button>
            </form>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
