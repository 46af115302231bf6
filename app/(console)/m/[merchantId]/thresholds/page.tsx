import { SectionPlaceholder } from "@/components/shell/section-placeholder";

export default async function ThresholdsPage({ params }: PageProps<"/m/[merchantId]/thresholds">) {
  const { merchantId } = await params;
  return <SectionPlaceholder merchantId={merchantId} scope="thresholds:read" section="thresholds" />;
}
