import Link from "next/link";
import { notFound } from "next/navigation";
import { AiPanel } from "@/components/case/ai-panel";
import { CaseFacts } from "@/components/case/case-facts";
import { CaseWorkbench } from "@/components/case/case-workbench";
import { Timeline } from "@/components/case/timeline";
import { StatusBadge } from "@/components/cases/status-badge";
import { NotAllowed } from "@/components/shell/not-allowed";
import { can } from "@/lib/auth/permissions";
import { pageAccess } from "@/lib/auth/session";
import { getCaseDetail } from "@/lib/cases/detail";
import { db } from "@/lib/db";
import { getT } from "@/lib/i18n/server";

export default async function CasePage({ params }: PageProps<"/m/[merchantId]/cases/[caseId]">) {
  const { merchantId, caseId } = await params;
  const access = await pageAccess(merchantId, "cases:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const detail = await getCaseDetail(await db(), merchantId, caseId);
  if (!detail) notFound();
  const { t, locale } = await getT();
  const c = detail.case;
  const canDecide = can(access.role, c.kind === "DISPUTE" ? "disputes:decide" : "review:decide");
  return (
    <div className="space-y-4" data-testid="case-page" data-case-id={c.id} data-status={c.status}>
      <div className="flex items-center justify-between gap-3">
        <div>
          {/* Back to where this role works: the queue, or the case list for finance. */}
          <Link href={`/m/${merchantId}/${can(access.role, "review:read") ? "review" : "cases"}`} className="text-xs text-primary hover:underline" data-testid="case-back">
            ← {can(access.role, "review:read") ? t("case.back") : t("case.backToCases")}
          </Link>
          <h1 className="mt-1 flex items-center gap-2 text-xl font-semibold">
            <span className="font-mono">{c.outTradeNo}</span>
            <span className="text-sm font-normal text-muted-foreground">{t(`kind.${c.kind}`)}</span>
            <span data-testid="case-status">
              <StatusBadge status={c.status} label={t(`status.${c.status}`)} />
            </span>
          </h1>
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="space-y-4">
          <CaseFacts detail={detail} t={t} locale={locale} timeZone={access.merchant.timeZone} />
          <AiPanel detail={detail} t={t} locale={locale} merchantId={merchantId} canReadReasoning={can(access.role, "reasoning:read")} />
        </div>
        <div className="space-y-4">
          <CaseWorkbench
            merchantId={merchantId}
            userId={access.user.id}
            canDecide={canDecide}
            timeZone={access.merchant.timeZone}
            c={{
              id: c.id,
              kind: c.kind,
              status: c.status,
              version: c.version,
              requestedAmountFen: c.requestedAmountFen,
              refundableFen: c.paidAmountFen - c.refundedAmountFen,
              lastError: c.lastError,
              proposedFeedbackCode: detail.decision?.proposedFeedbackCode ?? null,
              draftFeedback: detail.decision?.draftFeedback ?? null,
              lastReply: c.kind === "DISPUTE" && c.feedbackCode && c.feedbackContent ? { code: c.feedbackCode, content: c.feedbackContent } : null,
              suggestedRefundFen: detail.decision?.suggestedRefundFen ?? null,
            }}
            holder={detail.holder}
          />
          <Timeline events={detail.timeline} t={t} locale={locale} timeZone={access.merchant.timeZone} />
        </div>
      </div>
    </div>
  );
}
