import { NotAllowed } from "@/components/shell/not-allowed";
import { ThresholdsEditor } from "@/components/thresholds/thresholds-editor";
import { VersionHistory } from "@/components/thresholds/version-history";
import { Badge } from "@/components/ui/badge";
import { can } from "@/lib/auth/permissions";
import { pageAccess } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { getT } from "@/lib/i18n/server";
import { toInput } from "@/lib/policy/schemas";
import { listVersions } from "@/lib/policy/service";
import { currentThresholds } from "@/lib/policy/store";

export default async function ThresholdsPage({ params }: PageProps<"/m/[merchantId]/thresholds">) {
  const { merchantId } = await params;
  const access = await pageAccess(merchantId, "thresholds:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t } = await getT();
  const prisma = await db();
  const [current, versions, merchant, categories] = await Promise.all([
    currentThresholds(prisma, merchantId),
    listVersions(prisma, merchantId),
    prisma.merchant.findUniqueOrThrow({ where: { id: merchantId }, select: { fourEyes: true } }),
    prisma.case.findMany({ where: { merchantId }, distinct: ["merchantCategory"], select: { merchantCategory: true }, take: 50 }),
  ]);
  const canWrite = can(access.role, "thresholds:write");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold">{t("thresholds.title")}</h1>
          <p className="text-sm text-muted-foreground">{t("thresholds.subtitle", { merchant: access.merchant.name })}</p>
        </div>
        <Badge tone="success" data-testid="version-in-force">
          {t("thresholds.inForce", { version: current.version })}
        </Badge>
      </div>
      <ThresholdsEditor
        key={current.version}
        merchantId={merchantId}
        initial={toInput(current)}
        canWrite={canWrite}
        fourEyes={merchant.fourEyes}
        categories={categories.map((c) => c.merchantCategory).filter((c) => c !== "unknown")}
      />
      <VersionHistory key={`${versions[0]?.version}-${merchant.fourEyes}`} merchantId={merchantId} versions={JSON.parse(JSON.stringify(versions))} canWrite={canWrite} fourEyes={merchant.fourEyes} timeZone={access.merchant.timeZone} />
    </div>
  );
}
