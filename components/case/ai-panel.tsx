import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { CaseDetail } from "@/lib/cases/detail";
import { formatMoney, formatScore } from "@/lib/i18n/format";
import { labelOf, type Locale, type MessageKey, type Translate } from "@/lib/i18n";
import { ReasoningLog } from "./reasoning-log";

export function AiPanel({ detail, t, locale, merchantId, canReadReasoning }: { detail: CaseDetail; t: Translate; locale: Locale; merchantId: string; canReadReasoning: boolean }) {
  const d = detail.decision;
  const reasons = detail.case.routeReasons;
  return (
    <Card data-testid="ai-panel">
      <CardHeader>
        <CardTitle>{t("case.ai")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        {!d ? (
          <p className="text-sm text-muted-foreground">{t("case.noAi")}</p>
        ) : d.riskScore === null ? (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">
            {t("case.aiFailed", { failure: d.failure ?? "—" })}
          </p>
        ) : (
          <>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <div>
                <dt className="text-xs text-muted-foreground">{t("case.score")}</dt>
                <dd className="text-2xl font-semibold tabular-nums" data-testid="risk-score">
                  {formatScore(d.riskScore.toString())}
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">{t("case.confidence")}</dt>
                <dd className="text-2xl font-semibold tabular-nums">{formatScore(d.confidence?.toString())}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">{t("case.recommendation")}</dt>
                <dd className="mt-1">
                  <Badge tone={d.recommendation === "PASS" ? "success" : d.recommendation === "REJECT" ? "danger" : "warning"}>{d.recommendation ? labelOf(t, "aiWords", d.recommendation) : "—"}</Badge>
                </dd>
              </div>
              {d.suggestedRefundFen !== null && (
                <div>
                  <dt className="text-xs text-muted-foreground">{t("case.suggested")}</dt>
                  <dd className="text-sm font-medium tabular-nums">{formatMoney(d.suggestedRefundFen, locale)}</dd>
                </div>
              )}
            </dl>
            {d.explanation && (
              <div>
                <div className="text-xs text-muted-foreground">{t("case.explanation")}</div>
                <p className="mt-1 text-sm" data-testid="ai-explanation">
                  {d.explanation}
                </p>
              </div>
            )}
            <div className="flex flex-wrap gap-4 text-xs text-muted-foreground">
              {d.sentiment && (
                <span>
                  {t("case.sentiment")}: <span className="text-foreground">{labelOf(t, "aiWords", d.sentiment)}</span>
                </span>
              )}
              {d.anomalies.length > 0 && (
                <span>
                  {t("case.anomalies")}: <span className="text-foreground">{d.anomalies.join(", ")}</span>
                </span>
              )}
              <span>
                {t("case.model")}: <span className="font-mono text-foreground">{d.modelVersion}</span>
              </span>
              <span>
                {t("case.policy")}: <span className="text-foreground">v{d.policyVersion}</span>
              </span>
            </div>
          </>
        )}
        {reasons.length > 0 && (
          <div>
            <div className="text-xs text-muted-foreground">{t("case.routeReasons")}</div>
            <div className="mt-1 flex flex-wrap gap-1" data-testid="route-reasons">
              {reasons.map((r) => (
                <Badge key={r} tone="warning">
                  {t(`reasons.${r}` as MessageKey)}
                </Badge>
              ))}
            </div>
          </div>
        )}
        {canReadReasoning && detail.hasReasoning && <ReasoningLog merchantId={merchantId} caseId={detail.case.id} />}
      </CardContent>
    </Card>
  );
}
