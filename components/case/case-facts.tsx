import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { CaseDetail } from "@/lib/cases/detail";
import { formatDateTime, formatMoney } from "@/lib/i18n/format";
import type { Locale, Translate } from "@/lib/i18n";

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm font-medium tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export function CaseFacts({ detail, t, locale, timeZone }: { detail: CaseDetail; t: Translate; locale: Locale; timeZone: string }) {
  const c = detail.case;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("case.order")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Fact label={t("case.paid")}>{formatMoney(c.paidAmountFen, locale)}</Fact>
          <Fact label={t("case.requested")} testId="requested-amount">
            {formatMoney(c.requestedAmountFen, locale)}
          </Fact>
          <Fact label={t("case.refunded")} testId="refunded-amount">
            {formatMoney(c.refundedAmountFen, locale)}
          </Fact>
          <Fact label={t("case.approved")}>{c.approvedAmountFen !== null ? formatMoney(c.approvedAmountFen, locale) : "—"}</Fact>
          <Fact label={t("case.customer")}>
            <span className="font-mono text-xs">{c.customerId}</span>
          </Fact>
          <Fact label={t("case.category")}>{c.merchantCategory}</Fact>
          <Fact label={t("case.crossBorder")}>{c.crossBorder ? t("case.yes") : t("case.no")}</Fact>
          <Fact label={t("case.created")}>{formatDateTime(c.createdAt, locale, timeZone)}</Fact>
          {c.disputeDeadline && <Fact label={t("case.due")}>{formatDateTime(c.disputeDeadline, locale, timeZone)}</Fact>}
          {c.deviceFingerprint && (
            <Fact label={t("case.device")}>
              <span className="font-mono text-xs">{c.deviceFingerprint}</span>
            </Fact>
          )}
        </dl>
        <div>
          <div className="text-xs text-muted-foreground">{t("case.customerWords")}</div>
          <blockquote className="mt-1 rounded-md border-l-4 border-primary/40 bg-muted/60 px-3 py-2 text-sm" data-testid="customer-words">
            {c.reasonText}
          </blockquote>
        </div>
      </CardContent>
    </Card>
  );
}
