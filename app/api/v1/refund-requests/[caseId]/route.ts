import { db } from "@/lib/db";
import { authenticateApiKey } from "@/lib/intake/api-keys";
import { apiLocale, errorResponse, json, unauthenticated } from "@/lib/intake/http";
import { getCaseStatus } from "@/lib/intake/service";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ caseId: string }> }) {
  const locale = apiLocale(req);
  try {
    const prisma = await db();
    const merchantId = await authenticateApiKey(prisma, req.headers.get("authorization"));
    if (!merchantId) throw unauthenticated(locale);
    const { caseId } = await params;
    return json(await getCaseStatus(prisma, merchantId, caseId, { locale }), 200);
  } catch (err) {
    return errorResponse(err, locale);
  }
}
