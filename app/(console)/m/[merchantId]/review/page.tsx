import { ReviewQueue } from "@/components/review/review-queue";
import { NotAllowed } from "@/components/shell/not-allowed";
import { can } from "@/lib/auth/permissions";
import { pageAccess } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { getT } from "@/lib/i18n/server";
import { laneCounts, listQueue } from "@/lib/review/queries";
import { queueFilters } from "@/lib/review/schemas";

export default async function ReviewPage({ params, searchParams }: PageProps<"/m/[merchantId]/review">) {
  const { merchantId } = await params;
  const access = await pageAccess(merchantId, "review:read");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const raw = Object.fromEntries(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" && v ? [[k, v]] : [])));
  const parsed = queueFilters.safeParse(raw);
  if (!parsed.success) {
    const { t } = await getT();
    return (
      <p role="alert" data-testid="filter-error" className="rounded-md border border-destructive/30 bg-red-50 p-3 text-sm text-destructive">
        {t("cases.badFilter", { value: parsed.error.issues.map((i) => i.path.join(".")).join(", ") })}
      </p>
    );
  }
  const prisma = await db();
  const readAt = new Date();
  const [counts, rows] = await Promise.all([laneCounts(prisma, merchantId), listQueue(prisma, merchantId, parsed.data)]);
  const initialData = JSON.parse(JSON.stringify({ counts, rows, readAt }));
  return (
    <ReviewQueue
      merchantId={merchantId}
      userId={access.user.id}
      timeZone={access.merchant.timeZone}
      lane={parsed.data.lane ?? null}
      query={new URLSearchParams(raw).toString()}
      canDecide={can(access.role, "review:decide")}
      initialData={initialData}
    />
  );
}
