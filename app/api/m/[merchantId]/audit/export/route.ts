import { recordAudit } from "@/lib/audit/record";
import { auditBatches } from "@/lib/audit/queries";
import { parseAuditFilters } from "@/lib/audit/schemas";
import { csvLine } from "@/lib/audit/csv";
import { authorize } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { HTTP_STATUS, invalid, toUserError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const HEADER = ["id", "seq", "created_at", "merchant_id", "actor_id", "actor", "action", "target_type", "target_id", "before", "after", "hash"];

/** The audit trail as CSV, streamed in batches, with the viewer's filters; the export is itself audited. */
export async function GET(req: Request, { params }: { params: Promise<{ merchantId: string }> }) {
  try {
    const { merchantId } = await params;
    const access = await authorize(merchantId, "audit:read");
    const parsed = parseAuditFilters(new URL(req.url).searchParams);
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const filters = parsed.data;
    const prisma = await db();
    await prisma.$transaction((tx) =>
      recordAudit(tx, { merchantId, actorId: access.user.id, action: "audit.exported", targetType: "merchant", targetId: merchantId, after: { filters } }),
    );
    const batches = auditBatches(prisma, merchantId, filters, access.merchant.timeZone);
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(HEADER)}`));
      },
      async pull(controller) {
        try {
          const next = await batches.next();
          if (next.done) return controller.close();
          const rows = next.value.map((r) => csvLine([r.id, r.seq, r.createdAt.toISOString(), merchantId, r.actorId, r.actorName, r.action, r.targetType, r.targetId, r.before, r.after, r.hash]));
          controller.enqueue(encoder.encode(rows.join("")));
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        await batches.return(undefined);
      },
    });
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${merchantId}-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    const e = toUserError(err);
    return Response.json({ error: { code: e.kind, message: e.message } }, { status: e.kind === "unexpected" ? 500 : HTTP_STATUS[e.kind] });
  }
}
