"use client";

import { useState, useTransition } from "react";
import { revokeApiKeyAction } from "@/app/(console)/m/[merchantId]/settings/api-keys/actions";
import { useI18n } from "@/components/providers";
import { Button } from "@/components/ui/button";

export function RevokeApiKeyButton({ merchantId, keyId }: { merchantId: string; keyId: string }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  if (!confirming) {
    return (
      <Button type="button" variant="secondary" size="sm" data-testid="apikey-revoke" onClick={() => setConfirming(true)}>
        {t("apiKeys.revoke")}
      </Button>
    );
  }
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <span className="text-xs text-muted-foreground">{t("apiKeys.revokeWarning")}</span>
      <Button
        type="button"
        variant="destructive"
        size="sm"
        disabled={pending}
        data-testid="apikey-revoke-confirm"
        onClick={() =>
          start(async () => {
            const result = await revokeApiKeyAction(merchantId, { keyId });
            if (!result.ok) setError(result.error.message);
          })
        }
      >
        {pending ? t("apiKeys.revoking") : t("apiKeys.revokeConfirm")}
      </Button>
      <Button type="button" variant="ghost" size="sm" disabled={pending} onClick={() => setConfirming(false)}>
        {t("apiKeys.cancel")}
      </Button>
      {error && (
        <p role="alert" className="w-full text-right text-xs text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
