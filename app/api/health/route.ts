export const dynamic = "force-dynamic";

/** Liveness: the process answers. Cheap on purpose; /api/ready checks the database and the gateway. */
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
