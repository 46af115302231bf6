"use client";

import { Check, Copy, KeyRound } from "lucide-react";
import { useState, useTransition } from "react";
import { createApiKeyAction, type CreatedKey } from "@/app/(console)/m/[merchantId]/settings/api-keys/actions";
import { useI18n } from "@/components/providers";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";

export function CreateApiKeyForm({ merchantId }: { merchantId: string }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  // Held in memory only: once dismissed or the page is left, the plain key is gone for good.
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const [pending, start] = useTransition();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    start(async () => {
      const result = await createApiKeyAction(merchantId, { name });
      if (!result.ok) {
        setError(result.error.kind === "invalid" ? t("apiKeys.nameInvalid") : result.error.message);
        return;
      }
      setCreated(result.data);
      setCopy("idle");
      setName("");
    });
  }

  async function onCopy(key: string) {
    try {
      await navigator.clipboard.writeText(key);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <div className="space-y-3">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" aria-label={t("apiKeys.createTitle")}>
        <div className="w-72 space-y-1">
          <Label htmlFor="api-key-name">{t("apiKeys.name")}</Label>
          <Input
            id="api-key-name"
            data-testid="apikey-name"
            value={name}
            maxLength={60}
            required
            placeholder={t("apiKeys.namePlaceholder")}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <Button type="submit" disabled={pending} data-testid="apikey-create">
          <KeyRound className="h-4 w-4" aria-hidden />
          {pending ? t("apiKeys.creating") : t("apiKeys.create")}
        </Button>
      </form>
      {error && (
        <p role="alert" data-testid="apikey-error" className="text-sm text-destructive">
          {error}
        </p>
      )}
      {created && (
        <div role="status" data-testid="apikey-created" className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3">
          <p className="text-sm font-medium">{t("apiKeys.createdTitle", { name: created.name })}</p>
          <p className="text-xs text-amber-800">{t("apiKeys.createdWarning")}</p>
          <div className="flex items-center gap-2">
            <code data-testid="apikey-secret" className="flex-1 select-all break-all rounded border border-border bg-card px-2 py-1.5 font-mono text-xs">
              {created.key}
            </code>
            <Button type="button" variant="secondary" size="sm" data-testid="apikey-copy" onClick={() => onCopy(created.key)}>
              {copy === "copied" ? <Check className="h-4 w-4" aria-hidden /> : <Copy className="h-4 w-4" aria-hidden />}
              {copy === "copied" ? t("apiKeys.copied") : t("apiKeys.copy")}
            </Button>
          </div>
          {copy === "failed" && <p className="text-xs text-destructive">{t("apiKeys.copyFailed")}</p>}
          <Button type="button" variant="ghost" size="sm" data-testid="apikey-dismiss" onClick={() => setCreated(null)}>
            {t("apiKeys.done")}
          </Button>
        </div>
      )}
    </div>
  );
}
