import { SectionPlaceholder } from "@/components/shell/section-placeholder";

export default async function AuditPage({ params }: PageProps<"/m/[merchantId]/audit">) {
  const { merchantId } = await params;
  return <SectionPlaceholder merchantId={merchantId} scope="audit:read" section="audit" />;
}
