import { SectionPlaceholder } from "@/components/shell/section-placeholder";

export default async function ReviewPage({ params }: PageProps<"/m/[merchantId]/review">) {
  const { merchantId } = await params;
  return <SectionPlaceholder merchantId={merchantId} scope="review:read" section="review" />;
}
