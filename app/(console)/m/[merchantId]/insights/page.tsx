import { SectionPlaceholder } from "@/components/shell/section-placeholder";

export default async function InsightsPage({ params }: PageProps<"/m/[merchantId]/insights">) {
  const { merchantId } = await params;
  return <SectionPlaceholder merchantId={merchantId} scope="insights:read" section="insights" />;
}
