import { authorize } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { HTTP_STATUS, toUserError } from "@/lib/errors";
import { laneCounts, listQueue } from "@/lib/review/queries";
import { queueFilters } from "@/lib/review/schemas";

export const dynamic = "force-dynamic";

/** The queue for live refresh: lane counts and the first page, for the filters in the query string. */
export async function GET(req: Request, { params }: { params: Promise<{ merchantId: string }> }) {
  try {
    const { merchantId } = await params;
    await authorize(merchantId, "review:read");
    const parsed = queueFilters.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success) {
      return Response.json({ error: { code: "invalid_request", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } }, { status: 400 });
    }
    const prisma = await db();
    const readAt = new Date().toISOString();
    const [counts, rows] = await Promise.all([laneCounts(prisma, merchantId), listQueue(prisma, merchantId, parsed.data)]);
    return Response.json({ counts, rows, readAt }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    const e = toUserError(err);
    return Response.json({ error: { code: e.kind, message: e.message } }, { status: e.kind === "unexpected" ? 500 : HTTP_STATUS[e.kind] });
  }
}
