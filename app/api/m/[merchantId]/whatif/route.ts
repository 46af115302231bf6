import { z } from "zod";
import { authorize } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { HTTP_STATUS, invalid, toUserError } from "@/lib/errors";
import { policyInput, toCandidate } from "@/lib/policy/schemas";
import { currentThresholds } from "@/lib/policy/store";
import { whatIf } from "@/lib/policy/whatif";

export const dynamic = "force-dynamic";

const body = z.object({ candidate: policyInput, days: z.union([z.literal(7), z.literal(30), z.literal(90)]) });

/** The candidate replayed over stored decisions, computed in the database. */
export async function POST(req: Request, { params }: { params: Promise<{ merchantId: string }> }) {
  try {
    const { merchantId } = await params;
    await authorize(merchantId, "thresholds:read");
    const parsed = body.safeParse(await req.json().catch(() => null));
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw invalid(first ? first.message : "Invalid request", Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
    }
    const prisma = await db();
    const current = await currentThresholds(prisma, merchantId);
    const result = await whatIf(prisma, merchantId, { current, candidate: toCandidate(parsed.data.candidate), days: parsed.data.days });
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    const e = toUserError(err);
    return Response.json({ error: { code: e.kind, message: e.message, fields: e.details } }, { status: e.kind === "unexpected" ? 500 : HTTP_STATUS[e.kind] });
  }
}
