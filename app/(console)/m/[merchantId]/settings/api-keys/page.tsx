import { ApiKeysPage } from "@/components/api-keys/api-keys-page";

export default async function ApiKeysSettingsPage({ params }: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await params;
  return <ApiKeysPage merchantId={merchantId} />;
}
