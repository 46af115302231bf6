"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { bulkDecideAction, nextCaseAction } from "@/app/(console)/m/[merchantId]/review/actions";
import { useI18n } from "@/components/providers";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatDateTime, formatMoney, formatScore } from "@/lib/i18n/format";
import type { MessageKey } from "@/lib/i18n";
import { LANES, type Lane } from "@/lib/review/schemas";
import { cn } from "@/lib/ui/cn";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { useHotkeys } from "./use-hotkeys";
import { queueKey, useQueue, type QueueData } from "./use-queue";

interface Props {
  merchantId: string;
  userId: string;
  timeZone: string;
  lane: Lane | null;
  query: string;
  canDecide: boolean;
  initialData: QueueData;
}

export function ReviewQueue({ merchantId, userId, timeZone, lane, query, canDecide, initialData }: Props) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data, error } = useQueue(merchantId, query, initialData);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<"approve" | "reject" | null>(null);
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const rows = data.rows;
  const current = rows[Math.min(cursor, rows.length - 1)];
  const selectedRows = rows.filter((r) => selected.has(r.id));
  const selectedTotal = selectedRows.reduce((sum, r) => sum + r.requestedAmountFen, 0);
  const bulkable = selectedRows.length > 0 && selectedRows.every((r) => r.kind === "REFUND" && r.status !== "FAILED" && (!r.claimedById || r.claimedById === userId));

  const filtersForNext = useMemo(() => Object.fromEntries(new URLSearchParams(query)), [query]);
  const filters = filtersForNext as Partial<Record<"kind" | "category" | "minAmount" | "maxAmount" | "maxAgeHours", string>>;

  const next = useMutation({
    mutationFn: async () => {
      const result = await nextCaseAction(merchantId, { filters: filtersForNext });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSuccess: (caseId) => {
      if (caseId) router.push(`/m/${merchantId}/cases/${caseId}`);
      else setNotice(t("review.noneLeft"));
    },
    onError: (e) => setNotice(e.message),
  });

  const bulk = useMutation({
    mutationFn: async (action: "approve" | "reject") => {
      const result = await bulkDecideAction(merchantId, {
        caseIds: [...selected],
        action,
        reasonCode: action === "approve" ? "APPROVE_VALID_CLAIM" : "REJECT_NO_EVIDENCE",
      });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    // Optimistic: the decided rows leave the queue at once and come back if the server says no.
    onMutate: async () => {
      const key = queueKey(merchantId, query);
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<QueueData>(key);
      if (previous) queryClient.setQueryData<QueueData>(key, { ...previous, rows: previous.rows.filter((r) => !selected.has(r.id)) });
      return { previous };
    },
    onError: (e, _action, context) => {
      if (context?.previous) queryClient.setQueryData(queueKey(merchantId, query), context.previous);
      setNotice(e.message);
    },
    onSuccess: (results) => {
      const failed = results.filter((r) => !r.ok).length;
      setNotice(t("review.bulkDone", { ok: results.length - failed, failed }));
      setSelected(new Set());
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["queue", merchantId] }),
  });

  const toggle = (id: string) =>
    setSelected((s) => {
      const copy = new Set(s);
      if (copy.has(id)) copy.delete(id);
      else copy.add(id);
      return copy;
    });

  useHotkeys({
    j: () => setCursor((c) => Math.min(c + 1, rows.length - 1)),
    k: () => setCursor((c) => Math.max(c - 1, 0)),
    ArrowDown: () => setCursor((c) => Math.min(c + 1, rows.length - 1)),
    ArrowUp: () => setCursor((c) => Math.max(c - 1, 0)),
    Enter: () => current && router.push(`/m/${merchantId}/cases/${current.id}`),
    n: () => canDecide && next.mutate(),
    x: () => canDecide && current && toggle(current.id),
    "?": () => setHelp(true),
  });

  const laneHref = (l: Lane | null) => {
    const params = new URLSearchParams(query);
    if (l) params.set("lane", l);
    else params.delete("lane");
    return `/m/${merchantId}/review${params.size ? `?${params}` : ""}`;
  };
  const now = Date.parse(data.readAt);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{t("review.title")}</h1>
          <p className="text-sm text-muted-foreground">{t("review.subtitle")}</p>
        </div>
        <div className="flex items-center gap-3 text-xs text-muted-foreground">
          <span data-testid="queue-updated">{t("review.live", { time: new Date(data.readAt).toLocaleTimeString(locale, { timeZone }) })}</span>
          <Button variant="ghost" size="sm" onClick={() => setHelp(true)} data-testid="shortcuts-button">
            <kbd>?</kbd> {t("review.shortcuts")}
          </Button>
          {canDecide && (
            <Button onClick={() => next.mutate()} disabled={next.isPending} data-testid="next-case">
              {t("review.nextCase")} <kbd className="text-foreground">n</kbd>
            </Button>
          )}
        </div>
      </div>

      <nav className="flex flex-wrap gap-1.5" aria-label="Lanes" data-testid="lanes">
        {[null, ...LANES].map((l) => (
          <Link
            key={l ?? "all"}
            href={laneHref(l)}
            data-testid={`lane-${l ?? "all"}`}
            aria-current={l === lane ? "page" : undefined}
            className={cn(
              "flex items-center gap-1.5 rounded-full border border-border bg-card px-3 py-1 text-sm hover:bg-muted",
              l === lane && "border-primary bg-primary/10 text-primary",
            )}
          >
            {t(`review.lanes.${l ?? "all"}`)}
            <span
              className={cn("rounded-full bg-muted px-1.5 text-xs tabular-nums text-muted-foreground", l === "failed" && data.counts.failed > 0 && "bg-red-50 text-destructive")}
              data-testid={`lane-count-${l ?? "all"}`}
            >
              {l ? data.counts[l] : data.counts.total}
            </span>
          </Link>
        ))}
      </nav>

      <form method="get" className="flex flex-wrap items-end gap-2 text-xs text-muted-foreground" data-testid="queue-filters">
        {lane && <input type="hidden" name="lane" value={lane} />}
        <label className="space-y-1">
          <span className="block">{t("cases.filterKind")}</span>
          <Select name="kind" defaultValue={filters.kind ?? ""} className="h-8">
            <option value="">{t("cases.all")}</option>
            <option value="REFUND">{t("kind.REFUND")}</option>
            <option value="DISPUTE">{t("kind.DISPUTE")}</option>
          </Select>
        </label>
        <label className="space-y-1">
          <span className="block">{t("review.category")}</span>
          <Input name="category" defaultValue={filters.category ?? ""} className="h-8 w-32" />
        </label>
        <label className="space-y-1">
          <span className="block">{t("review.minAmount")}</span>
          <Input name="minAmount" inputMode="decimal" defaultValue={filters.minAmount ?? ""} className="h-8 w-24" />
        </label>
        <label className="space-y-1">
          <span className="block">{t("review.maxAmount")}</span>
          <Input name="maxAmount" inputMode="decimal" defaultValue={filters.maxAmount ?? ""} className="h-8 w-24" />
        </label>
        <label className="space-y-1">
          <span className="block">{t("review.maxAge")}</span>
          <Input name="maxAgeHours" inputMode="numeric" defaultValue={filters.maxAgeHours ?? ""} className="h-8 w-20" />
        </label>
        <Button type="submit" size="sm" variant="secondary">
          {t("review.apply")}
        </Button>
        <Link href={`/m/${merchantId}/review${lane ? `?lane=${lane}` : ""}`} className="pb-2 text-primary hover:underline">
          {t("review.clear")}
        </Link>
      </form>

      {notice && (
        <p role="status" className="rounded-md border border-border bg-card px-3 py-2 text-sm" data-testid="queue-notice">
          {notice}
        </p>
      )}
      {error && <p className="text-sm text-destructive">{error.message}</p>}

      {canDecide && selectedRows.length > 0 && (
        <div className="flex items-center gap-3 rounded-md border border-primary/30 bg-primary/5 px-3 py-2 text-sm" data-testid="bulk-bar">
          <span>{t("review.selected", { n: selectedRows.length, amount: formatMoney(selectedTotal, locale) })}</span>
          <Button size="sm" variant="success" disabled={!bulkable} onClick={() => setConfirm("approve")} data-testid="bulk-approve">
            {t("review.bulkApprove")}
          </Button>
          <Button size="sm" variant="destructive" disabled={!bulkable} onClick={() => setConfirm("reject")} data-testid="bulk-reject">
            {t("review.bulkReject")}
          </Button>
        </div>
      )}

      <Card>
        {rows.length === 0 ? (
          <p className="p-10 text-center text-sm text-muted-foreground" data-testid="queue-empty">
            {t("review.empty")}
          </p>
        ) : (
          <Table data-testid="queue-table">
            <THead>
              <tr>
                {canDecide && <TH className="w-8" />}
                <TH>{t("cases.colCase")}</TH>
                <TH>{t("cases.colKind")}</TH>
                <TH className="text-right">{t("cases.colAmount")}</TH>
                <TH className="text-right">{t("cases.colRisk")}</TH>
                <TH>{t("review.colReasons")}</TH>
                <TH>{t("review.colDue")}</TH>
                <TH>{t("review.colHolder")}</TH>
              </tr>
            </THead>
            <TBody>
              {rows.map((r, i) => {
                const due = new Date(r.dueAt).getTime();
                const hours = Math.round((due - now) / 3_600_000);
                const heldByOther = r.claimedById && r.claimedById !== userId;
                return (
                  <TR
                    key={r.id}
                    data-testid="queue-row"
                    data-case-id={r.id}
                    data-active={i === cursor || undefined}
                    className={cn("cursor-pointer", i === cursor && "bg-primary/5 outline outline-2 -outline-offset-2 outline-primary/40")}
                    onClick={() => setCursor(i)}
                    onDoubleClick={() => router.push(`/m/${merchantId}/cases/${r.id}`)}
                  >
                    {canDecide && (
                      <TD>
                        {r.status !== "FAILED" && (
                          <input type="checkbox" aria-label={r.outTradeNo} checked={selected.has(r.id)} onChange={() => toggle(r.id)} data-testid="row-select" />
                        )}
                      </TD>
                    )}
                    <TD className="font-mono text-xs">
                      <Link href={`/m/${merchantId}/cases/${r.id}`} className="text-primary hover:underline">
                        {r.outTradeNo}
                      </Link>
                    </TD>
                    <TD>{t(`kind.${r.kind}`)}</TD>
                    <TD className="text-right tabular-nums">{formatMoney(r.requestedAmountFen, locale)}</TD>
                    <TD className="text-right tabular-nums">{formatScore(r.riskScore)}</TD>
                    <TD>
                      <div className="flex flex-wrap gap-1">
                        {r.status === "ESCALATED" && <Badge tone="warning">{t("status.ESCALATED")}</Badge>}
                        {r.status === "FAILED" && (
                          <>
                            <Badge tone="danger">{t("status.FAILED")}</Badge>
                            <span className="max-w-80 truncate text-xs text-destructive" title={r.lastError ?? undefined} data-testid="row-error">
                              {r.lastError}
                            </span>
                          </>
                        )}
                        {r.routeReasons.map((reason) => (
                          <Badge key={reason} tone="neutral">
                            {t(`reasons.${reason}` as MessageKey)}
                          </Badge>
                        ))}
                      </div>
                    </TD>
                    <TD className={cn("whitespace-nowrap", hours < 0 ? "font-medium text-destructive" : "text-muted-foreground")} title={formatDateTime(new Date(r.dueAt), locale, timeZone)}>
                      {hours < 0 ? t("review.overdue") : t("review.inHours", { h: hours })}
                    </TD>
                    <TD data-testid="holder">{r.claimedById ? (heldByOther ? r.claimedByName : t("review.you")) : "—"}</TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        )}
      </Card>

      <Dialog open={confirm !== null} onOpenChange={(o) => !o && setConfirm(null)}>
        <DialogContent
          title={confirm === "approve" ? t("review.bulkApprove") : t("review.bulkReject")}
          description={t(confirm === "approve" ? "review.confirmApprove" : "review.confirmReject", { n: selectedRows.length, amount: formatMoney(selectedTotal, locale) })}
          data-testid="bulk-confirm"
        >
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirm(null)}>
              {t("review.cancel")}
            </Button>
            <Button
              variant={confirm === "approve" ? "success" : "destructive"}
              data-testid="bulk-confirm-button"
              onClick={() => {
                if (confirm) bulk.mutate(confirm);
                setConfirm(null);
              }}
            >
              {t("review.confirm")}
            </Button>
          </div>
        </DialogContent>
      </Dialog>
      <ShortcutsDialog open={help} onOpenChange={setHelp} />
    </div>
  );
}
