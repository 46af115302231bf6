import { NotAllowed } from "@/components/shell/not-allowed";
import { Card } from "@/components/ui/card";
import { pageAccess } from "@/lib/auth/session";
import type { NavKey, Scope } from "@/lib/auth/permissions";
import { getT } from "@/lib/i18n/server";

/** A section whose feature has not landed yet: still access-checked like every page. */
export async function SectionPlaceholder({ merchantId, scope, section }: { merchantId: string; scope: Scope; section: NavKey }) {
  const access = await pageAccess(merchantId, scope);
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t } = await getT();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t(`nav.${section}`)}</h1>
      <Card className="p-8 text-center text-sm text-muted-foreground">{t("placeholder.soon")}</Card>
    </div>
  );
}
