import { CaseListPage } from "@/components/cases/case-list-page";

export default async function CasesPage({ params, searchParams }: PageProps<"/m/[merchantId]/cases">) {
  const { merchantId } = await params;
  return <CaseListPage merchantId={merchantId} search={await searchParams} />;
}
