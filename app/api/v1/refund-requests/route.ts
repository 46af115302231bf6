import { db } from "@/lib/db";
import { authenticateApiKey } from "@/lib/intake/api-keys";
import { apiLocale, errorResponse, json, readJson, unauthenticated } from "@/lib/intake/http";
import { createRefundRequest } from "@/lib/intake/service";

export const dynamic = "force-dynamic";

/** A refund request from the merchant's own systems: 201 new, 200 replayed, 409 key reused with another body. */
export async function POST(req: Request) {
  const locale = apiLocale(req);
  try {
    const prisma = await db();
    const merchantId = await authenticateApiKey(prisma, req.headers.get("authorization"));
    if (!merchantId) throw unauthenticated(locale);
    const body = await readJson(req, locale);
    const { case: created, replayed } = await createRefundRequest(prisma, merchantId, req.headers.get("idempotency-key"), body, { locale });
    return json(created, replayed ? 200 : 201, {
      Location: `/api/v1/refund-requests/${created.id}`,
      ...(replayed && { "Idempotent-Replayed": "true" }),
    });
  } catch (err) {
    return errorResponse(err, locale);
  }
}
