"use client";

import { useState, useTransition } from "react";
import { readReasoningAction } from "@/app/(console)/m/[merchantId]/review/actions";
import { useI18n } from "@/components/providers";
import { Button } from "@/components/ui/button";

export function ReasoningLog({ merchantId, caseId }: { merchantId: string; caseId: string }) {
  const { t } = useI18n();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  if (text !== null) {
    return (
      <div>
        <div className="text-xs text-muted-foreground">{t("case.reasoning")}</div>
        <pre className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100" data-testid="reasoning-log">
          {text}
        </pre>
      </div>
    );
  }
  return (
    <div className="flex items-center gap-3">
      <Button
        variant="secondary"
        size="sm"
        disabled={pending}
        data-testid="show-reasoning"
        onClick={() =>
          start(async () => {
            const result = await readReasoningAction(merchantId, { caseId });
            if (result.ok) setText(result.data);
            else setError(result.error.message);
          })
        }
      >
        {t("case.showReasoning")}
      </Button>
      <span className="text-xs text-muted-foreground">{t("case.reasoningAudited")}</span>
      {error && <span className="text-xs text-destructive">{error}</span>}
    </div>
  );
}
