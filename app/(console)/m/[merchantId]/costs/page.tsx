import { SectionPlaceholder } from "@/components/shell/section-placeholder";

export default async function CostsPage({ params }: PageProps<"/m/[merchantId]/costs">) {
  const { merchantId } = await params;
  return <SectionPlaceholder merchantId={merchantId} scope="costs:read" section="costs" />;
}
