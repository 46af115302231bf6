import Link from "next/link";
import { Download } from "lucide-react";
import { NotAllowed } from "@/components/shell/not-allowed";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { auditFacets, chainStatus, listAuditEvents } from "@/lib/audit/queries";
import { auditQuery, parseAuditFilters } from "@/lib/audit/schemas";
import { pageAccess } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { getT } from "@/lib/i18n/server";
import { AuditTable } from "./audit-table";
import { ChainStatusBanner } from "./chain-status";

type Search = Record<string, string | string[] | undefined>;

export async function AuditLogPage({ merchantId, search }: { merchantId: string; search: Search }) {
  const access = await pageAccess(merchantId, "audit:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t, locale } = await getT();
  const base = `/m/${merchantId}/audit`;
  const parsed = parseAuditFilters(search);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">{t("audit.title")}</h1>
        <p role="alert" data-testid="filter-error" className="rounded-md border border-destructive/30 bg-red-50 p-3 text-sm text-destructive">
          {t("audit.badFilter", { value: `${issue?.path.join(".")} ${issue?.message}` })}{" "}
          <Link href={base} className="underline">
            {t("audit.reset")}
          </Link>
        </p>
      </div>
    );
  }
  const f = parsed.data;
  const tz = access.merchant.timeZone;
  const prisma = await db();
  const [page, facets, status] = await Promise.all([listAuditEvents(prisma, merchantId, f, tz), auditFacets(prisma, merchantId), chainStatus(prisma, merchantId)]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{t("audit.title")}</h1>
          <p className="text-sm text-muted-foreground">{t("audit.subtitle", { merchant: access.merchant.name })}</p>
        </div>
        <Button asChild variant="secondary" size="sm">
          <a href={`/api/m/${merchantId}/audit/export${auditQuery(f)}`} data-testid="audit-export" title={t("audit.exportHint")} download>
            <Download className="mr-1.5 h-4 w-4" aria-hidden />
            {t("audit.export")}
          </a>
        </Button>
      </div>
      <ChainStatusBanner status={status} t={t} locale={locale} timeZone={tz} />
      <form method="get" className="flex flex-wrap items-end gap-3" role="search" data-testid="audit-filters">
        <label className="space-y-1 text-xs text-muted-foreground">
          <span className="block">{t("audit.filterActor")}</span>
          <Select name="actor" defaultValue={f.actor ?? ""} data-testid="filter-actor" className="max-w-64">
            <option value="">{t("audit.anyone")}</option>
            <option value="system">{t("audit.system")}</option>
            {facets.actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </Select>
        </label>
        <label className="space-y-1 text-xs text-muted-foreground">
          <span className="block">{t("audit.filterAction")}</span>
          <Select name="action" defaultValue={f.action ?? ""} data-testid="filter-action">
            <option value="">{t("audit.anyAction")}</option>
            {facets.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </Select>
        </label>
        <label className="space-y-1 text-xs text-muted-foreground">
          <span className="block">{t("audit.filterTarget")}</span>
          <Input name="target" defaultValue={f.target ?? ""} placeholder={t("audit.targetPlaceholder")} data-testid="filter-target" className="w-56" />
        </label>
        <label className="space-y-1 text-xs text-muted-foreground">
          <span className="block">{t("audit.filterFrom")}</span>
          <Input type="date" name="from" defaultValue={f.from ?? ""} data-testid="filter-from" />
        </label>
        <label className="space-y-1 text-xs text-muted-foreground">
          <span className="block">{t("audit.filterTo")}</span>
          <Input type="date" name="to" defaultValue={f.to ?? ""} data-testid="filter-to" />
        </label>
        <Button type="submit" variant="secondary" data-testid="filter-apply">
          {t("audit.apply")}
        </Button>
        <Link href={base} className="pb-2 text-sm text-muted-foreground hover:underline">
          {t("audit.reset")}
        </Link>
      </form>
      <Card>
        {page.rows.length === 0 ? (
          <p className="p-8 text-center text-sm text-muted-foreground">{t("audit.empty")}</p>
        ) : (
          <AuditTable rows={page.rows} merchantId={merchantId} t={t} locale={locale} timeZone={tz} />
        )}
        <div className="flex items-center justify-between border-t border-border px-4 py-2 text-sm text-muted-foreground">
          <span>{t("audit.timeZone", { tz })}</span>
          <div className="flex gap-2">
            <Button asChild variant="secondary" size="sm" aria-disabled={!f.before} className={!f.before ? "pointer-events-none opacity-50" : ""}>
              <Link href={`${base}${auditQuery(f)}`}>{t("audit.newest")}</Link>
            </Button>
            <Button asChild variant="secondary" size="sm" aria-disabled={!page.next} className={!page.next ? "pointer-events-none opacity-50" : ""}>
              <Link href={`${base}${auditQuery(f, page.next ? { before: page.next } : {})}`} data-testid="older-page">
                {t("audit.older")}
              </Link>
            </Button>
          </div>
        </div>
      </Card>
    </div>
  );
}
