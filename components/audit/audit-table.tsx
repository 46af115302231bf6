import Link from "next/link";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { diffJson, showValue } from "@/lib/audit/diff";
import type { AuditRow } from "@/lib/audit/queries";
import { formatDateTime } from "@/lib/i18n/format";
import type { Locale, Translate } from "@/lib/i18n";

function tone(action: string): BadgeTone {
  if (/\.(read|exported)$/.test(action)) return "info";
  if (/(rejected|purged|revoked|failed)$/.test(action)) return "danger";
  if (/(approved|executed|submitted)$/.test(action)) return "success";
  if (/^policy\./.test(action)) return "warning";
  return "neutral";
}

function Changes({ row, t }: { row: AuditRow; t: Translate }) {
  const changes = diffJson(row.before, row.after);
  if (changes.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <ul className="space-y-0.5" data-testid="audit-changes">
      {changes.slice(0, 6).map((c) => (
        <li key={c.path} className="break-all font-mono text-xs">
          <span className="text-muted-foreground">{c.path || "value"}: </span>
          {c.kind === "changed" && (
            <>
              <del className="text-red-700 decoration-red-300">{showValue(c.before)}</del> <span aria-hidden>→</span>{" "}
              <ins className="text-emerald-700 no-underline">{showValue(c.after)}</ins>
            </>
          )}
          {c.kind === "added" && <ins className="text-emerald-700 no-underline">{showValue(c.after)}</ins>}
          {c.kind === "removed" && (
            <>
              <del className="text-red-700">{showValue(c.before)}</del> <span className="text-muted-foreground">({t("audit.removed")})</span>
            </>
          )}
        </li>
      ))}
      {changes.length > 6 && <li className="text-xs text-muted-foreground">+{changes.length - 6}</li>}
    </ul>
  );
}

export function AuditTable({ rows, merchantId, t, locale, timeZone }: { rows: AuditRow[]; merchantId: string; t: Translate; locale: Locale; timeZone: string }) {
  return (
    <Table data-testid="audit-table">
      <THead>
        <tr>
          <TH>{t("audit.colTime")}</TH>
          <TH className="text-right">{t("audit.colSeq")}</TH>
          <TH>{t("audit.colActor")}</TH>
          <TH>{t("audit.colAction")}</TH>
          <TH>{t("audit.colTarget")}</TH>
          <TH>{t("audit.colChanges")}</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((r) => (
          <TR key={r.id} data-testid="audit-row" className="align-top">
            <TD className="whitespace-nowrap text-muted-foreground">{formatDateTime(r.createdAt, locale, timeZone)}</TD>
            <TD className="text-right font-mono text-xs tabular-nums">{r.seq ?? <Badge tone="danger">{t("audit.unchained")}</Badge>}</TD>
            <TD className="max-w-48 truncate" title={r.actorName ?? r.actorId ?? undefined}>
              {r.actorName ?? r.actorId ?? <span className="text-muted-foreground">{t("audit.system")}</span>}
            </TD>
            <TD>
              <Badge tone={tone(r.action)} data-testid="audit-action">
                {r.action}
              </Badge>
            </TD>
            <TD className="font-mono text-xs">
              <span className="text-muted-foreground">{r.targetType} </span>
              {r.targetType === "case" ? (
                <Link href={`/m/${merchantId}/cases/${r.targetId}`} className="text-primary hover:underline">
                  {r.targetId}
                </Link>
              ) : (
                r.targetId
              )}
            </TD>
            <TD className="min-w-64">
              <Changes row={r} t={t} />
              <details className="mt-1 text-xs">
                <summary className="cursor-pointer text-muted-foreground">{t("audit.record")}</summary>
                <pre className="mt-1 max-w-xl overflow-x-auto rounded bg-muted p-2 text-[11px] leading-snug">
                  {JSON.stringify({ id: r.id, seq: r.seq, before: r.before, after: r.after }, null, 2)}
                  {`\n${t("audit.hash")}: ${r.hash ?? "—"}`}
                </pre>
              </details>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
