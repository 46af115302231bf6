import { CaseListPage } from "@/components/cases/case-list-page";

export default async function DisputesPage({ params, searchParams }: PageProps<"/m/[merchantId]/disputes">) {
  const { merchantId } = await params;
  return <CaseListPage merchantId={merchantId} search={await searchParams} disputesOnly />;
}
