"use client";

import { useEffect } from "react";
import { useI18n } from "@/components/providers";
import { Button } from "@/components/ui/button";

/**
 * What a page of the console shows when it fails to render or a server action cannot be reached
 * (a dropped connection): the shell stays, with a way to try again, instead of Next's bare error.
 */
export default function ConsoleError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const { t } = useI18n();
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-md space-y-4 py-16 text-center" data-testid="page-error">
      <h1 className="text-lg font-semibold">{t("error.title")}</h1>
      <Button onClick={() => retry()} data-testid="page-error-retry">
        {t("error.retry")}
      </Button>
    </div>
  );
}
