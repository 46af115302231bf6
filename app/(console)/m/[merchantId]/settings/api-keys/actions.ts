"use server";

import { revalidatePath } from "next/cache";
import { merchantAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { createApiKey, revokeApiKey } from "@/lib/intake/api-keys";
import { createApiKeyInput, revokeApiKeyInput } from "@/lib/intake/schemas";

export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  key: string;
}

const pagePath = (merchantId: string) => `/m/${merchantId}/settings/api-keys`;

const create = merchantAction("apikeys:manage", createApiKeyInput, async ({ name }, a): Promise<CreatedKey> => {
  const created = await createApiKey(await db(), a.merchant.id, name, a.user.id);
  revalidatePath(pagePath(a.merchant.id));
  return { id: created.id, name: created.name, prefix: created.prefix, key: created.key };
});

const revoke = merchantAction("apikeys:manage", revokeApiKeyInput, async ({ keyId }, a) => {
  await revokeApiKey(await db(), a.merchant.id, keyId, a.user.id);
  revalidatePath(pagePath(a.merchant.id));
  return null;
});

export async function createApiKeyAction(merchantId: string, input: unknown) {
  return create(merchantId, input);
}

export async function revokeApiKeyAction(merchantId: string, input: unknown) {
  return revoke(merchantId, input);
}
