import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { NotAllowed } from "@/components/shell/not-allowed";
import { pageAccess } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDateTime } from "@/lib/i18n/format";
import { getT } from "@/lib/i18n/server";
import { listApiKeys } from "@/lib/intake/api-keys";
import { CreateApiKeyForm } from "./create-api-key-form";
import { RevokeApiKeyButton } from "./revoke-api-key-button";

export async function ApiKeysPage({ merchantId }: { merchantId: string }) {
  const access = await pageAccess(merchantId, "apikeys:manage");
  if ("denied" in access) return <NotAllowed reason={access.denied} />;
  const { t, locale } = await getT();
  const keys = await listApiKeys(await db(), merchantId);
  const when = (date: Date) => formatDateTime(date, locale, access.merchant.timeZone);

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t("apiKeys.title")}</h1>
        <p className="text-sm text-muted-foreground">{t("apiKeys.subtitle", { merchant: access.merchant.name })}</p>
        <p className="mt-1 text-xs text-muted-foreground">
          <code>{t("apiKeys.usage", { endpoint: "/api/v1/refund-requests" })}</code>
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t("apiKeys.createTitle")}</CardTitle>
        </CardHeader>
        <CardContent>
          <CreateApiKeyForm merchantId={merchantId} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("apiKeys.listTitle")}</CardTitle>
        </CardHeader>
        {keys.length === 0 ? (
          <p className="p-8 text-center text-sm text-muted-foreground" data-testid="apikey-empty">
            {t("apiKeys.empty")}
          </p>
        ) : (
          <Table data-testid="apikey-table">
            <THead>
              <tr>
                <TH>{t("apiKeys.colName")}</TH>
                <TH>{t("apiKeys.colPrefix")}</TH>
                <TH>{t("apiKeys.colCreated")}</TH>
                <TH>{t("apiKeys.colStatus")}</TH>
                <TH className="text-right">{t("apiKeys.colActions")}</TH>
              </tr>
            </THead>
            <TBody>
              {keys.map((key) => (
                <TR key={key.id} data-testid="apikey-row" data-prefix={key.prefix} data-revoked={key.revokedAt ? "true" : "false"}>
                  <TD className="font-medium">{key.name}</TD>
                  <TD>
                    <code className="font-mono text-xs">sk_live_{key.prefix}_…</code>
                  </TD>
                  <TD className="whitespace-nowrap text-muted-foreground">{when(key.createdAt)}</TD>
                  <TD data-testid="apikey-status">
                    {key.revokedAt ? (
                      <Badge tone="danger">{t("apiKeys.revoked", { date: when(key.revokedAt) })}</Badge>
                    ) : (
                      <Badge tone="success">{t("apiKeys.active")}</Badge>
                    )}
                  </TD>
                  <TD className="text-right">{!key.revokedAt && <RevokeApiKeyButton merchantId={merchantId} keyId={key.id} />}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
    </div>
  );
}
