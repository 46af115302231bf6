import Link from "next/link";
import { ShieldX } from "lucide-react";
import type { Denied } from "@/lib/auth/session";
import { getT } from "@/lib/i18n/server";

export async function NotAllowed({ reason }: { reason?: Denied }) {
  const { t } = await getT();
  return (
    <div role="alert" data-testid="not-allowed" className="mx-auto mt-16 max-w-md rounded-lg border border-border bg-card p-8 text-center">
      <ShieldX className="mx-auto mb-3 h-10 w-10 text-destructive" aria-hidden />
      <h1 className="text-lg font-semibold">{t("denied.title")}</h1>
      <p className="mt-1 text-sm text-muted-foreground">{t("denied.body")}</p>
      {reason && <p className="mt-1 text-sm text-muted-foreground" data-testid="denied-reason">{t(`denied.${reason}`)}</p>}
      <Link href="/" className="mt-4 inline-block text-sm text-primary hover:underline">
        {t("denied.back")}
      </Link>
    </div>
  );
}
