import { createHash } from "node:crypto";
import type { SqlRunner } from "../db/runner";
import type { PrismaClient } from "../generated/prisma/client";
import { GENESIS_HASH } from "./canonical";

/**
 * Chains every audit event that has no link yet, in id order per merchant, continuing from each
 * merchant's head: the same links the insert trigger (audit_chain_append) would have written one
 * event at a time, for events bulk-loaded with the trigger off (the load generator).
 *
 * The trigger's way, one event per call, is quadratic in one transaction: every head update leaves
 * a row version the next lookup walks past (2.9M events had not finished after 65 minutes). Here
 * PostgreSQL writes each event's canonical text in batches, with everything but the previous hash
 * (audit_canonical itself, so the bytes are the trigger's), and Node runs the one sequential step:
 * sha256 over that text with the previous hash put in. Each batch's links and heads go back in
 * one transaction.
 *
 * Not for a live database: it takes no chain lock, so a concurrent audited write could fork a chain.
 */
export async function chainUnlinkedEvents(
  { prisma, runner }: { prisma: PrismaClient; runner: SqlRunner },
  { batchSize = 20_000, onBatch }: { batchSize?: number; onBatch?: (chained: number) => void } = {},
): Promise<{ events: number; merchants: number }> {
  const heads = new Map<string, { seq: bigint; hash: string }>();
  for (const h of await runner.query<{ merchantId: string; seq: string; hash: string }>(
    `SELECT "merchantId", "seq"::text AS seq, "hash" FROM "AuditChainHead"`,
  ))
    heads.set(h.merchantId, { seq: BigInt(h.seq), hash: h.hash });
  const touched = new Set<string>();
  let after = "0";
  let events = 0;
  for (;;) {
    const merchants = [...heads.keys()];
    // seq = the merchant's head + the event's place among this batch's events of that merchant.
    // audit_canonical(…, prev_hash => '') ends in `""]`; the real text ends in `"<64 hex>"]`.
    const rows = await runner.query<{ id: string; merchantId: string; seq: string; prefix: string }>(
      `SELECT b.id::text AS id, b."merchantId", b.seq::text AS seq,
              left(audit_canonical(b."merchantId", b.seq, b.id, b."createdAt", b."actorId", b.action,
                                   b."targetType", b."targetId", b.before, b.after, ''), -3) AS prefix
         FROM (SELECT a.*, coalesce(h.seq, 0) + row_number() OVER (PARTITION BY a."merchantId" ORDER BY a.id) AS seq
                 FROM (SELECT * FROM "AuditEvent" e
                        WHERE e.id > $1::bigint
                          AND NOT EXISTS (SELECT 1 FROM "AuditChainLink" l WHERE l."eventId" = e.id)
                        ORDER BY e.id LIMIT $2) a
                 LEFT JOIN unnest($3::text[], $4::bigint[]) AS h("merchantId", seq) ON h."merchantId" = a."merchantId") b
        ORDER BY b.id`,
      [after, batchSize, merchants, merchants.map((m) => heads.get(m)!.seq.toString())],
    );
    if (rows.length === 0) break;
    const ids: string[] = [];
    const ms: string[] = [];
    const seqs: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const r of rows) {
      const head = heads.get(r.merchantId) ?? { seq: 0n, hash: GENESIS_HASH };
      const seq = BigInt(r.seq);
      if (seq !== head.seq + 1n) throw new Error(`audit chain: event ${r.id} would be seq ${seq} after head ${head.seq} of ${r.merchantId}`);
      const hash = createHash("sha256").update(`${r.prefix}"${head.hash}"]`, "utf8").digest("hex");
      ids.push(r.id);
      ms.push(r.merchantId);
      seqs.push(r.seq);
      prevs.push(head.hash);
      hashes.push(hash);
      heads.set(r.merchantId, { seq, hash });
    }
    // The batch's links and its merchants' heads in one transaction: a run cut short leaves a
    // chain whose head is its last link, which the trigger and a rerun both continue from. The
    // head's guard lets it move one event at a time (audit_head_advance_only); a bulk catch-up moves
    // it many, so the guard is off for this transaction (a superuser's bench tool).
    const batchHeads = [...new Set(ms)].map((m) => ({ m, ...heads.get(m)! }));
    await prisma.$transaction([
      prisma.$executeRaw`SELECT set_config('session_replication_role', 'replica', true)`,
      prisma.$executeRaw`
        INSERT INTO "AuditChainLink" ("eventId", "merchantId", "seq", "prevHash", "hash")
        SELECT * FROM unnest(${ids}::text[]::bigint[], ${ms}::text[], ${seqs}::text[]::bigint[], ${prevs}::text[], ${hashes}::text[])`,
      prisma.$executeRaw`
        INSERT INTO "AuditChainHead" ("merchantId", "seq", "hash")
        SELECT * FROM unnest(${batchHeads.map((h) => h.m)}::text[], ${batchHeads.map((h) => h.seq.toString())}::text[]::bigint[], ${batchHeads.map((h) => h.hash)}::text[])
        ON CONFLICT ("merchantId") DO UPDATE SET "seq" = EXCLUDED."seq", "hash" = EXCLUDED."hash"`,
    ]);
    for (const h of batchHeads) touched.add(h.m);
    events += rows.length;
    after = rows[rows.length - 1]!.id;
    onBatch?.(events);
  }
  return { events, merchants: touched.size };
}
