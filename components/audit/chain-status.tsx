import { ShieldAlert, ShieldCheck } from "lucide-react";
import type { ChainStatus } from "@/lib/audit/verify";
import { formatCount, formatDateTime } from "@/lib/i18n/format";
import type { Locale, Translate } from "@/lib/i18n";

export function ChainStatusBanner({ status, t, locale, timeZone }: { status: ChainStatus & { checkedAt: Date }; t: Translate; locale: Locale; timeZone: string }) {
  const checked = t("audit.chainChecked", { time: formatDateTime(status.checkedAt, locale, timeZone) });
  const b = status.broken;
  if (!b) {
    const count = Number(status.verifiedSeq);
    return (
      <div role="status" data-testid="chain-status" data-state="ok" className="flex items-start gap-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
        <ShieldCheck className="mt-0.5 h-5 w-5 shrink-0" aria-hidden />
        <div>
          <p className="font-medium">{count === 0 ? t("audit.chainEmpty") : t("audit.chainOk", { count: formatCount(count, locale), seq: status.verifiedSeq })}</p>
          <p className="text-xs text-emerald-800">{checked}</p>
        </div>
      </div>
    );
  }
  return (
    <div role="alert" data-testid="chain-status" data-state="broken" className="flex items-start gap-3 rounded-md border border-destructive/40 bg-red-50 p-3 text-sm text-red-900">
      <ShieldAlert className="mt-0.5 h-5 w-5 shrink-0" aria-hidden />
      <div className="min-w-0 space-y-0.5">
        <p className="font-medium">
          {t("audit.chainBroken", { seq: b.seq, reason: t(`audit.reason.${b.reason}`) })} {b.eventId && t("audit.chainEvent", { id: b.eventId })}
        </p>
        <p className="break-all font-mono text-xs">{t("audit.chainExpected", { expected: b.expected, found: b.found })}</p>
        <p className="text-xs">
          {t("audit.chainVerifiedUpTo", { seq: status.verifiedSeq })} {checked}
        </p>
      </div>
    </div>
  );
}
