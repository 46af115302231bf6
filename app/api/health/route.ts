import { connection } from "@/lib/db";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const conn = await connection();
    await conn.runner.query("SELECT 1");
    return Response.json({ status: "ok", database: conn.kind });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
}
