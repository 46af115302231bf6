"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { reviewPolicyAction, rollbackPolicyAction, setFourEyesAction } from "@/app/(console)/m/[merchantId]/thresholds/actions";
import { useI18n } from "@/components/providers";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatDateTime } from "@/lib/i18n/format";
import type { Thresholds } from "@/lib/policy/route";
import { diffPolicies } from "@/lib/policy/schemas";

export interface VersionRow {
  version: number;
  status: "ACTIVE" | "PENDING" | "REJECTED";
  inForce: boolean;
  thresholds: Thresholds;
  note: string | null;
  createdBy: string | null;
  approvedBy: string | null;
  createdAt: string;
  rollbackOf: number | null;
}

export function VersionHistory({ merchantId, versions, canWrite, fourEyes, timeZone }: { merchantId: string; versions: VersionRow[]; canWrite: boolean; fourEyes: boolean; timeZone: string }) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const [a, setA] = useState(versions[1]?.version ?? versions[0]?.version ?? 0);
  const [b, setB] = useState(versions[0]?.version ?? 0);
  const [error, setError] = useState<string | null>(null);
  const [fourEyesOn, setFourEyesOn] = useState(fourEyes);
  const [pending, start] = useTransition();
  const va = versions.find((v) => v.version === a);
  const vb = versions.find((v) => v.version === b);
  const changes = va && vb ? diffPolicies(va.thresholds, vb.thresholds) : [];
  const run = (fn: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    start(async () => {
      const result = await fn();
      setError(result.ok ? null : (result.error?.message ?? "failed"));
      router.refresh();
    });

  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between">
        <CardTitle>{t("thresholds.versions")}</CardTitle>
        <label className="flex items-center gap-2 text-xs text-muted-foreground">
          <input
            type="checkbox"
            checked={fourEyesOn}
            disabled={!canWrite || pending}
            data-testid="four-eyes"
            onChange={(e) => {
              const on = e.target.checked;
              setFourEyesOn(on);
              run(async () => {
                const result = await setFourEyesAction(merchantId, { on });
                if (!result.ok) setFourEyesOn(!on);
                return result;
              });
            }}
          />
          {t("thresholds.fourEyes")}
        </label>
      </CardHeader>
      <CardContent className="space-y-4">
        {error && (
          <p role="alert" className="text-sm text-destructive" data-testid="version-error">
            {error}
          </p>
        )}
        <Table data-testid="versions">
          <THead>
            <tr>
              <TH>{t("thresholds.version")}</TH>
              <TH>{t("thresholds.status")}</TH>
              <TH>X / Y / {t("thresholds.confidence")}</TH>
              <TH>{t("thresholds.note")}</TH>
              <TH>{t("thresholds.by")}</TH>
              <TH>{t("thresholds.when")}</TH>
              <TH />
            </tr>
          </THead>
          <TBody>
            {versions.map((v) => (
              <TR key={v.version} data-testid={`version-${v.version}`}>
                <TD className="font-medium">
                  v{v.version} {v.inForce && <Badge tone="success">{t("thresholds.inForceBadge")}</Badge>}
                </TD>
                <TD>
                  <Badge tone={v.status === "ACTIVE" ? "neutral" : v.status === "PENDING" ? "warning" : "danger"}>{t(`thresholds.status${v.status}`)}</Badge>
                </TD>
                <TD className="tabular-nums">
                  {v.thresholds.autoApproveBelow} / {v.thresholds.autoRejectAtOrAbove} / {v.thresholds.confidenceFloor}
                </TD>
                <TD className="max-w-48 truncate text-muted-foreground">{v.note ?? (v.rollbackOf ? `↩ v${v.rollbackOf}` : "")}</TD>
                <TD className="text-muted-foreground">
                  {v.createdBy}
                  {v.approvedBy ? ` ✓ ${v.approvedBy}` : ""}
                </TD>
                <TD className="whitespace-nowrap text-muted-foreground">{formatDateTime(new Date(v.createdAt), locale, timeZone)}</TD>
                <TD className="whitespace-nowrap text-right">
                  {canWrite && v.status === "PENDING" && (
                    <>
                      <Button size="sm" variant="success" disabled={pending} data-testid={`approve-${v.version}`} onClick={() => run(() => reviewPolicyAction(merchantId, { version: v.version, approve: true }))}>
                        {t("thresholds.approve")}
                      </Button>{" "}
                      <Button size="sm" variant="secondary" disabled={pending} onClick={() => run(() => reviewPolicyAction(merchantId, { version: v.version, approve: false }))}>
                        {t("thresholds.reject")}
                      </Button>
                    </>
                  )}
                  {canWrite && v.status === "ACTIVE" && !v.inForce && (
                    <Button size="sm" variant="ghost" disabled={pending} data-testid={`rollback-${v.version}`} onClick={() => run(() => rollbackPolicyAction(merchantId, { version: v.version }))}>
                      {t("thresholds.rollback")}
                    </Button>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
        {versions.length > 1 && (
          <div className="space-y-2" data-testid="version-diff">
            <div className="flex items-center gap-2 text-sm">
              {t("thresholds.compare")}
              <Select aria-label="from" className="h-8" value={a} onChange={(e) => setA(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </Select>
              →
              <Select aria-label="to" className="h-8" value={b} onChange={(e) => setB(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </Select>
            </div>
            <div className="text-xs font-medium text-muted-foreground">{t("thresholds.diffTitle", { a, b })}</div>
            {changes.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("thresholds.noDiff")}</p>
            ) : (
              <ul className="space-y-0.5 font-mono text-xs">
                {changes.map((c) => (
                  <li key={c.field}>
                    {c.field}: <span className="text-red-700 line-through">{c.from}</span> → <span className="text-emerald-700">{c.to}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
