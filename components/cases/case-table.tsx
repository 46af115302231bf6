import Link from "next/link";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatDateTime, formatMoney, formatScore } from "@/lib/i18n/format";
import type { Locale, Translate } from "@/lib/i18n";
import type { CaseKind, CaseStatus, Route } from "@/lib/generated/prisma/enums";
import { RouteBadge, StatusBadge } from "./status-badge";

export interface CaseRow {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  outTradeNo: string;
  requestedAmountFen: number;
  merchantCategory: string;
  route: Route | null;
  riskScore: string | null;
  createdAt: Date;
}

export function CaseTable({ rows, merchantId, t, locale, timeZone }: { rows: CaseRow[]; merchantId: string; t: Translate; locale: Locale; timeZone: string }) {
  return (
    <Table data-testid="case-table">
      <THead>
        <tr>
          <TH>{t("cases.colCase")}</TH>
          <TH>{t("cases.colKind")}</TH>
          <TH>{t("cases.colStatus")}</TH>
          <TH className="text-right">{t("cases.colAmount")}</TH>
          <TH className="text-right">{t("cases.colRisk")}</TH>
          <TH>{t("cases.colRoute")}</TH>
          <TH>{t("cases.colCategory")}</TH>
          <TH>{t("cases.colCreated")}</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((c) => (
          <TR key={c.id} data-testid="case-row">
            <TD className="font-mono text-xs">
              <Link href={`/m/${merchantId}/cases/${c.id}`} className="text-primary hover:underline">
                {c.outTradeNo}
              </Link>
            </TD>
            <TD>{t(`kind.${c.kind}`)}</TD>
            <TD>
              <StatusBadge status={c.status} label={t(`status.${c.status}`)} />
            </TD>
            <TD className="text-right tabular-nums">{formatMoney(c.requestedAmountFen, locale)}</TD>
            <TD className="text-right tabular-nums">{formatScore(c.riskScore)}</TD>
            <TD>{c.route ? <RouteBadge route={c.route} label={t(`route.${c.route}`)} /> : "—"}</TD>
            <TD className="text-muted-foreground">{c.merchantCategory}</TD>
            <TD className="whitespace-nowrap text-muted-foreground">{formatDateTime(c.createdAt, locale, timeZone)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
