"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { claimCaseAction, decideCaseAction, nextCaseAction, releaseCaseAction, reopenDisputeAction, retryRefundAction, submitFeedbackAction } from "@/app/(console)/m/[merchantId]/review/actions";
import { useI18n } from "@/components/providers";
import { ShortcutsDialog } from "@/components/review/shortcuts-dialog";
import { useHotkeys } from "@/components/review/use-hotkeys";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label, Select, Textarea } from "@/components/ui/input";
import { fenToYuan } from "@/lib/alipay/money";
import type { MessageKey } from "@/lib/i18n";
import { REASON_CODES, type DecisionAction } from "@/lib/review/schemas";
import { cn } from "@/lib/ui/cn";

interface WorkbenchCase {
  id: string;
  kind: "REFUND" | "DISPUTE";
  status: string;
  version: number;
  requestedAmountFen: number;
  refundableFen: number;
  lastError: string | null;
  proposedFeedbackCode: string | null;
  draftFeedback: string | null;
  /** the reply last sent for this dispute (Alipay refused it, or it could not be sent) */
  lastReply: { code: string; content: string } | null;
  suggestedRefundFen: number | null;
}

const RENEW_MS = 5 * 60_000;
/** Alipay's limit on feedback_content */
const FEEDBACK_MAX = 200;
const ACTION_KEYS: Record<string, DecisionAction> = { a: "approve", p: "partial", r: "reject", e: "escalate" };

export function CaseWorkbench({ merchantId, userId, canDecide, timeZone, c, holder }: { merchantId: string; userId: string; canDecide: boolean; timeZone: string; c: WorkbenchCase; holder: { id: string; name: string; until: string } | null }) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const open = c.status === "REVIEW" || c.status === "ESCALATED";
  const [claim, setClaim] = useState<{ mine: boolean; name?: string; until?: string } | null>(holder && holder.id !== userId ? { mine: false, name: holder.name, until: holder.until } : null);
  const [action, setAction] = useState<DecisionAction | null>(null);
  const [reasonCode, setReasonCode] = useState<string>("");
  const [amount, setAmount] = useState(fenToYuan(c.suggestedRefundFen && c.suggestedRefundFen < c.requestedAmountFen ? c.suggestedRefundFen : Math.min(c.requestedAmountFen, c.refundableFen)));
  const [note, setNote] = useState("");
  const [feedbackCode, setFeedbackCode] = useState(c.lastReply?.code ?? c.proposedFeedbackCode ?? "04");
  const [feedback, setFeedback] = useState(c.lastReply?.content ?? c.draftFeedback ?? "");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [help, setHelp] = useState(false);
  const [pending, start] = useTransition();

  const mayDecide = canDecide && open && claim?.mine === true;
  const clock = (at: string) => new Date(at).toLocaleTimeString(locale, { timeZone, hour: "2-digit", minute: "2-digit" });

  useEffect(() => {
    if (!canDecide || !open) return;
    let cancelled = false;
    const take = async () => {
      const result = await claimCaseAction(merchantId, { caseId: c.id });
      if (cancelled) return;
      if (!result.ok) setMessage({ tone: "error", text: result.error.message });
      else if (result.data.ok) setClaim({ mine: true, until: String(result.data.expiresAt) });
      else setClaim({ mine: false, name: result.data.heldBy, until: String(result.data.expiresAt) });
    };
    void take();
    const renew = setInterval(take, RENEW_MS);
    return () => {
      cancelled = true;
      clearInterval(renew);
      void releaseCaseAction(merchantId, { caseId: c.id });
    };
  }, [merchantId, c.id, canDecide, open]);

  function choose(next: DecisionAction) {
    setAction(next);
    setReasonCode(REASON_CODES[next][0]);
    setMessage(null);
  }

  function goNext() {
    start(async () => {
      const result = await nextCaseAction(merchantId, { leaving: c.id });
      if (!result.ok) setMessage({ tone: "error", text: result.error.message });
      else if (result.data) router.push(`/m/${merchantId}/cases/${result.data}`);
      else setMessage({ tone: "ok", text: t("review.noneLeft") });
    });
  }

  useHotkeys({
    ...Object.fromEntries(Object.entries(ACTION_KEYS).map(([key, value]) => [key, () => mayDecide && (c.kind === "REFUND" || value === "escalate") && choose(value)])),
    n: () => canDecide && goNext(),
    "?": () => setHelp(true),
  });

  function submitDecision(e: React.FormEvent) {
    e.preventDefault();
    if (!action || pending) return;
    start(async () => {
      const result = await decideCaseAction(merchantId, { caseId: c.id, version: c.version, action, reasonCode, note: note || undefined, amount: action === "partial" ? amount : undefined });
      if (!result.ok) {
        setMessage({ tone: "error", text: result.error.message });
        return;
      }
      setMessage({ tone: "ok", text: t("case.decidedOk") });
      setAction(null);
      router.refresh();
    });
  }

  function submitDispute(e: React.FormEvent) {
    e.preventDefault();
    if (pending) return;
    start(async () => {
      const result = await submitFeedbackAction(merchantId, { caseId: c.id, version: c.version, feedbackCode, content: feedback });
      if (!result.ok) setMessage({ tone: "error", text: result.error.message });
      else {
        setMessage({ tone: "ok", text: t("case.replyQueued") });
        router.refresh();
      }
    });
  }

  // While a refund or feedback is being sent, follow it to its final state.
  useEffect(() => {
    if (c.status !== "APPROVED" && c.status !== "EXECUTING") return;
    const timer = setInterval(() => router.refresh(), 1_500);
    return () => clearInterval(timer);
  }, [c.status, router]);

  return (
    <Card data-testid="workbench">
      <CardHeader className="flex-row items-center justify-between">
        <CardTitle>{t("case.decide")}</CardTitle>
        {canDecide && (
          <Button variant="secondary" size="sm" onClick={goNext} disabled={pending} data-testid="case-next">
            {t("review.nextCase")} <kbd>n</kbd>
          </Button>
        )}
      </CardHeader>
      <CardContent className="space-y-3">
        {claim && !claim.mine && open && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="held-by">
            {t("case.heldBy", { name: claim.name ?? "", time: claim.until ? clock(claim.until) : "—" })}
          </p>
        )}
        {claim?.mine && open && (
          <p className="text-xs text-muted-foreground" data-testid="you-hold">
            {t("case.youHold", { time: clock(claim.until!) })}
          </p>
        )}
        {!canDecide && <p className="text-sm text-muted-foreground">{t("case.readOnly")}</p>}
        {/* A failed case has something to do, shown below with Alipay's answer. */}
        {!open && c.status !== "FAILED" && <p className="text-sm text-muted-foreground" data-testid="not-open">{t("case.notOpen", { status: t(`status.${c.status}` as MessageKey) })}</p>}
        {c.status === "FAILED" && (
          <div className="space-y-2 rounded-md border border-destructive/30 bg-red-50 p-3 text-sm" data-testid="last-error">
            <div>
              <span className="font-medium">{t("case.lastError")}:</span> {c.lastError}
            </div>
            {canDecide && (
              // A refund is sent again as it was (same out_request_no); a reply goes back to review to be corrected.
              <Button
                size="sm"
                variant="secondary"
                disabled={pending}
                data-testid={c.kind === "REFUND" ? "retry-refund" : "reopen-dispute"}
                onClick={() =>
                  start(async () => {
                    const result = await (c.kind === "REFUND" ? retryRefundAction : reopenDisputeAction)(merchantId, { caseId: c.id });
                    if (!result.ok) setMessage({ tone: "error", text: result.error.message });
                    router.refresh();
                  })
                }
              >
                {t(c.kind === "REFUND" ? "case.retry" : "case.reopenReply")}
              </Button>
            )}
          </div>
        )}

        {!open && c.kind === "DISPUTE" && c.lastReply && (
          <div className="space-y-1 rounded-md border border-border bg-muted/40 p-3 text-sm" data-testid="sent-reply">
            <div className="text-xs font-medium text-muted-foreground">
              {t(c.status === "FAILED" ? "case.replyNotTaken" : c.status === "EXECUTING" ? "case.replySending" : "case.replySent")} · {c.lastReply.code} {t(`feedbackCodes.${c.lastReply.code}` as MessageKey)}
            </div>
            <p className="whitespace-pre-wrap break-words">{c.lastReply.content}</p>
          </div>
        )}

        {mayDecide && (
          <>
            <div className="grid grid-cols-2 gap-1.5" role="group" aria-label={t("case.decide")}>
              {(c.kind === "REFUND" ? (["approve", "partial", "reject", "escalate"] as const) : (["escalate"] as const)).map((a) => (
                <Button
                  key={a}
                  type="button"
                  variant={action === a ? (a === "reject" ? "destructive" : a === "escalate" ? "default" : "success") : "secondary"}
                  onClick={() => choose(a)}
                  data-testid={`choose-${a}`}
                  aria-pressed={action === a}
                >
                  {t(`case.${a}`)} <kbd className="text-foreground">{a[0]}</kbd>
                </Button>
              ))}
            </div>
            {action && (
              // Remounted per action so focus lands where Enter does the right thing: the submit button,
              // or the amount of a partial refund.
              <form key={action} onSubmit={submitDecision} className="space-y-3" data-testid="decision-form">
                <div className="space-y-1">
                  <Label htmlFor="reasonCode">{t("case.reasonCode")}</Label>
                  <Select id="reasonCode" className="w-full" value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
                    {REASON_CODES[action].map((code) => (
                      <option key={code} value={code}>
                        {t(`codes.${code}`)}
                      </option>
                    ))}
                  </Select>
                </div>
                {action === "partial" && (
                  <div className="space-y-1">
                    <Label htmlFor="amount">
                      {t("case.amount")} · {t("case.refundable")} {fenToYuan(c.refundableFen)}
                    </Label>
                    <Input id="amount" autoFocus onFocus={(e) => e.currentTarget.select()} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="partial-amount" />
                  </div>
                )}
                <div className="space-y-1">
                  <Label htmlFor="note">{t("case.note")}</Label>
                  <Textarea id="note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
                </div>
                <Button id="submit-decision" autoFocus={action !== "partial"} type="submit" className="w-full" disabled={pending} data-testid="submit-decision">
                  {pending ? t("case.submitting") : `${t("case.submit")} · ${t(`case.${action}`)}`}
                </Button>
              </form>
            )}
          </>
        )}

        {mayDecide && c.kind === "DISPUTE" && (
          <form onSubmit={submitDispute} className="space-y-3 border-t border-border pt-3" data-testid="feedback-form">
            <div className="text-sm font-medium">{t("case.feedback")}</div>
            {c.lastReply && c.lastError && (
              <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="reply-refused">
                {t("case.replyRefused", { error: c.lastError })}
              </p>
            )}
            <div className="space-y-1">
              <Label htmlFor="feedbackCode">{t("case.feedbackCode")}</Label>
              <Select id="feedbackCode" className="w-full" value={feedbackCode} onChange={(e) => setFeedbackCode(e.target.value)}>
                {(["00", "02", "03", "04", "05", "06"] as const).map((code) => (
                  <option key={code} value={code}>
                    {code} · {t(`feedbackCodes.${code}`)}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1">
              <Label htmlFor="feedback">{t("case.feedbackContent")}</Label>
              <Textarea id="feedback" rows={4} maxLength={FEEDBACK_MAX} value={feedback} onChange={(e) => setFeedback(e.target.value)} aria-describedby="feedback-count" data-testid="feedback-content" />
              <div className="flex justify-between gap-2 text-xs text-muted-foreground">
                <span>{c.lastReply ? t("case.earlierReply") : c.draftFeedback ? t("case.aiDraft") : ""}</span>
                {/* counted as the textarea and the server count: 200 Chinese characters fit */}
                <span id="feedback-count" className={cn("shrink-0 tabular-nums", feedback.length >= FEEDBACK_MAX && "text-amber-700")} data-testid="feedback-count">
                  {feedback.length}/{FEEDBACK_MAX}
                </span>
              </div>
            </div>
            <Button type="submit" className="w-full" disabled={pending} data-testid="submit-feedback">
              {t("case.submitFeedback")}
            </Button>
          </form>
        )}

        {message && (
          <p role="status" data-testid="decision-message" className={cn("text-sm", message.tone === "error" ? "text-destructive" : "text-emerald-700")}>
            {message.text}
          </p>
        )}
      </CardContent>
      <ShortcutsDialog open={help} onOpenChange={setHelp} />
    </Card>
  );
}
