"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { acknowledgeDriftAlertAction } from "@/app/(console)/m/[merchantId]/insights/actions";
import { useI18n } from "@/components/providers";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { AlertCondition } from "@/lib/insights/series";

export interface AlertRow {
  id: string;
  kind: AlertCondition["kind"];
  day: string;
  value: string;
}

/** Open drift alerts on the insights page; admins acknowledge them (re-checked by the action). */
export function AlertsPanel({ merchantId, alerts, canAcknowledge }: { merchantId: string; alerts: AlertRow[]; canAcknowledge: boolean }) {
  const { t } = useI18n();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  if (alerts.length === 0) return null;
  return (
    <Card className="border-red-200" data-testid="drift-alerts">
      <CardHeader>
        <CardTitle>{t("insights.alerts.title")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-2">
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
        <ul className="space-y-2">
          {alerts.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center justify-between gap-2 text-sm" data-testid="drift-alert">
              <span className="flex items-center gap-2">
                <Badge tone="danger">{t(`insights.alerts.kind.${a.kind}`)}</Badge>
                <span className="text-muted-foreground">
                  {t("insights.alerts.since", { day: a.day })} · {t("insights.alerts.value", { value: Number(a.value).toFixed(3) })}
                </span>
              </span>
              {canAcknowledge && (
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={pending}
                  data-testid="acknowledge-alert"
                  onClick={() =>
                    start(async () => {
                      const result = await acknowledgeDriftAlertAction(merchantId, { alertId: a.id });
                      setError(result.ok ? null : result.error.message);
                      router.refresh();
                    })
                  }
                >
                  {t("insights.alerts.acknowledge")}
                </Button>
              )}
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
