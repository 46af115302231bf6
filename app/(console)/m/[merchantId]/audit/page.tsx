import { AuditLogPage } from "@/components/audit/audit-log-page";

export default async function AuditPage({ params, searchParams }: PageProps<"/m/[merchantId]/audit">) {
  const { merchantId } = await params;
  return <AuditLogPage merchantId={merchantId} search={await searchParams} />;
}
