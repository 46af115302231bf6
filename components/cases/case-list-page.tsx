import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { NotAllowed } from "@/components/shell/not-allowed";
import { pageAccess } from "@/lib/auth/session";
import { listCases } from "@/lib/cases/queries";
import { caseListQuery, PAGE_SIZE } from "@/lib/cases/schemas";
import { db } from "@/lib/db";
import { CaseKind, CaseStatus } from "@/lib/generated/prisma/enums";
import { formatCount } from "@/lib/i18n/format";
import { getT } from "@/lib/i18n/server";
import { CaseTable } from "./case-table";

type Search = Record<string, string | string[] | undefined>;

export async function CaseListPage({ merchantId, search, disputesOnly }: { merchantId: string; search: Search; disputesOnly?: boolean }) {
  const access = await pageAccess(merchantId, disputesOnly ? "disputes:read" : "cases:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t, locale } = await getT();
  const raw = Object.fromEntries(Object.entries(search).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  const parsed = caseListQuery.safeParse(disputesOnly ? { ...raw, kind: "DISPUTE" } : raw);
  const title = disputesOnly ? t("cases.disputesTitle") : t("cases.title");
  const subtitle = t(disputesOnly ? "cases.disputesSubtitle" : "cases.subtitle", { merchant: access.merchant.name });
  const base = `/m/${merchantId}/${disputesOnly ? "disputes" : "cases"}`;

  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">{title}</h1>
        <p role="alert" data-testid="filter-error" className="rounded-md border border-destructive/30 bg-red-50 p-3 text-sm text-destructive">
          {t("cases.badFilter", { value: `${issue?.path.join(".")}` })}{" "}
          <Link href={base} className="underline">
            {t("cases.all")}
          </Link>
        </p>
      </div>
    );
  }
  const q = parsed.data;
  const { rows, total } = await listCases(await db(), merchantId, q);
  const from = total === 0 ? 0 : (q.page - 1) * PAGE_SIZE + 1;
  const to = Math.min(total, q.page * PAGE_SIZE);
  const pageHref = (page: number) => {
    const params = new URLSearchParams();
    if (q.status) params.set("status", q.status);
    if (q.kind && !disputesOnly) params.set("kind", q.kind);
    params.set("page", String(page));
    return `${base}?${params}`;
  };

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{title}</h1>
        <p className="text-sm text-muted-foreground">{subtitle}</p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3" role="search">
        <label className="space-y-1 text-xs text-muted-foreground">
          <span className="block">{t("cases.filterStatus")}</span>
          <Select name="status" defaultValue={q.status ?? ""} data-testid="filter-status">
            <option value="">{t("cases.all")}</option>
            {Object.values(CaseStatus).map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </Select>
        </label>
        {!disputesOnly && (
          <label className="space-y-1 text-xs text-muted-foreground">
            <span className="block">{t("cases.filterKind")}</span>
            <Select name="kind" defaultValue={q.kind ?? ""} data-testid="filter-kind">
              <option value="">{t("cases.all")}</option>
              {Object.values(CaseKind).map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </Select>
          </label>
        )}
        <Button type="submit" variant="secondary" data-testid="filter-apply">
          {t("cases.apply")}
        </Button>
      </form>
      <Card>
        {rows.length === 0 ? (
          <p className="p-8 text-center text-sm text-muted-foreground">{t("cases.empty")}</p>
        ) : (
          <CaseTable rows={rows} merchantId={merchantId} t={t} locale={locale} timeZone={access.merchant.timeZone} />
        )}
        <div className="flex items-center justify-between border-t border-border px-4 py-2 text-sm text-muted-foreground">
          <span data-testid="pagination-summary">{t("cases.showing", { from: formatCount(from, locale), to: formatCount(to, locale), total: formatCount(total, locale) })}</span>
          <div className="flex gap-2">
            <Button asChild variant="secondary" size="sm" aria-disabled={q.page <= 1} className={q.page <= 1 ? "pointer-events-none opacity-50" : ""}>
              <Link href={pageHref(Math.max(1, q.page - 1))}>{t("cases.prev")}</Link>
            </Button>
            <Button asChild variant="secondary" size="sm" aria-disabled={to >= total} className={to >= total ? "pointer-events-none opacity-50" : ""}>
              <Link href={pageHref(q.page + 1)} data-testid="next-page">
                {t("cases.next")}
              </Link>
            </Button>
          </div>
        </div>
      </Card>
    </div>
  );
}
