import type { PrismaClient } from "../generated/prisma/client";
import { eventHash, GENESIS_HASH, parseJsonLossless } from "./canonical";

export type BreakReason = "content_changed" | "prev_hash_mismatch" | "link_missing" | "event_missing" | "merchant_mismatch" | "unchained_event" | "head_mismatch";

/** The first link of a merchant's chain that does not hold, with what was expected and found. */
export interface ChainBreak {
  merchantId: string;
  seq: string;
  eventId: string | null;
  reason: BreakReason;
  expected: string;
  found: string;
}

export interface ChainStatus {
  merchantId: string;
  /** Every link up to and including this seq recomputes and links correctly. */
  verifiedSeq: string;
  headSeq: string;
  broken: ChainBreak | null;
}

interface LinkRow {
  seq: bigint;
  eventId: bigint;
  prevHash: string;
  hash: string;
  id: bigint | null;
  merchantId: string | null;
  actorId: string | null;
  action: string | null;
  targetType: string | null;
  targetId: string | null;
  createdAt: Date | null;
  before: string | null;
  after: string | null;
}

/**
 * Walks one merchant's chain in seq order, in batches, recomputing every hash in Node from the
 * event's columns (docs/decisions/005-audit-hash-chain.md) and stops at the first broken link.
 */
export async function verifyMerchantChain(prisma: PrismaClient, merchantId: string, { batchSize = 5_000 } = {}): Promise<ChainStatus> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  const fail = (b: Omit<ChainBreak, "merchantId">): ChainStatus => ({
    merchantId,
    verifiedSeq: String(expectedSeq - 1n),
    headSeq: "?",
    broken: { merchantId, ...b },
  });
  for (;;) {
    const rows = await prisma.$queryRaw<LinkRow[]>`
      SELECT l."seq", l."eventId", l."prevHash", l."hash", e."id", e."merchantId", e."actorId", e."action",
             e."targetType", e."targetId", e."createdAt", e."before"::text AS "before", e."after"::text AS "after"
        FROM "AuditChainLink" l LEFT JOIN "AuditEvent" e ON e."id" = l."eventId"
       WHERE l."merchantId" = ${merchantId} AND l."seq" >= ${expectedSeq}
       ORDER BY l."seq" LIMIT ${batchSize}`;
    for (const r of rows) {
      const seq = BigInt(r.seq);
      const eventId = String(r.eventId);
      if (seq !== expectedSeq) return fail({ seq: String(expectedSeq), eventId: null, reason: "link_missing", expected: `seq ${expectedSeq}`, found: `seq ${seq}` });
      if (r.prevHash !== prevHash) return fail({ seq: String(seq), eventId, reason: "prev_hash_mismatch", expected: prevHash, found: r.prevHash });
      if (r.id === null) return fail({ seq: String(seq), eventId, reason: "event_missing", expected: `event ${eventId}`, found: "no such event" });
      if (r.merchantId !== merchantId) return fail({ seq: String(seq), eventId, reason: "merchant_mismatch", expected: merchantId, found: String(r.merchantId) });
      const hash = eventHash({
        merchantId,
        seq,
        id: eventId,
        createdAt: new Date(r.createdAt!),
        actorId: r.actorId,
        action: r.action!,
        targetType: r.targetType!,
        targetId: r.targetId!,
        before: r.before === null ? null : parseJsonLossless(r.before),
        after: r.after === null ? null : parseJsonLossless(r.after),
        prevHash,
      });
      if (hash !== r.hash) return fail({ seq: String(seq), eventId, reason: "content_changed", expected: r.hash, found: hash });
      prevHash = r.hash;
      expectedSeq = seq + 1n;
    }
    if (rows.length < batchSize) break;
  }
  const lastSeq = expectedSeq - 1n;
  const head = await prisma.auditChainHead.findUnique({ where: { merchantId } });
  if (head ? head.seq !== lastSeq || head.hash !== prevHash : lastSeq !== 0n) {
    return fail({ seq: String(head?.seq ?? 0n), eventId: null, reason: "head_mismatch", expected: `seq ${lastSeq} ${prevHash}`, found: head ? `seq ${head.seq} ${head.hash}` : "no head" });
  }
  const [orphan] = await prisma.$queryRaw<{ id: bigint }[]>`
    SELECT e."id" FROM "AuditEvent" e
     WHERE e."merchantId" = ${merchantId} AND NOT EXISTS (SELECT 1 FROM "AuditChainLink" l WHERE l."eventId" = e."id")
     ORDER BY e."id" LIMIT 1`;
  if (orphan) {
    return { ...fail({ seq: "-", eventId: String(orphan.id), reason: "unchained_event", expected: "a link for every event", found: `event ${orphan.id} has none` }), verifiedSeq: String(lastSeq) };
  }
  return { merchantId, verifiedSeq: String(lastSeq), headSeq: String(lastSeq), broken: null };
}

/** Every merchant that has audit events or a chain. */
export async function verifyAllChains(prisma: PrismaClient, opts?: { batchSize?: number }): Promise<ChainStatus[]> {
  const merchants = await prisma.$queryRaw<{ merchantId: string }[]>`
    SELECT "merchantId" FROM "AuditChainHead" UNION SELECT DISTINCT "merchantId" FROM "AuditEvent" ORDER BY 1`;
  const out: ChainStatus[] = [];
  for (const { merchantId } of merchants) out.push(await verifyMerchantChain(prisma, merchantId, opts));
  return out;
}

export function describeBreak(b: ChainBreak): string {
  const at = b.eventId ? `seq ${b.seq}, event ${b.eventId}` : `seq ${b.seq}`;
  return `merchant ${b.merchantId}: first broken link at ${at} (${b.reason.replaceAll("_", " ")}): expected ${b.expected}, found ${b.found}`;
}

/** What `npm run audit:verify` prints and its exit code: 0 when every chain holds, 1 on a break. */
export async function verifyReport(prisma: PrismaClient, args: string[], print: (line: string) => void): Promise<number> {
  const at = args.indexOf("--merchant");
  const merchantId = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !merchantId) throw new Error("Usage: npm run audit:verify [-- --merchant <merchantId>]");
  const started = performance.now();
  const statuses = merchantId ? [await verifyMerchantChain(prisma, merchantId)] : await verifyAllChains(prisma);
  const ms = Math.round(performance.now() - started);
  let events = 0n;
  for (const s of statuses) {
    events += BigInt(s.verifiedSeq);
    print(s.broken ? `BROKEN  ${describeBreak(s.broken)}` : `ok      merchant ${s.merchantId}: ${s.verifiedSeq} events, chain intact`);
  }
  const broken = statuses.filter((s) => s.broken).length;
  print(`${statuses.length} chain(s), ${events} event(s) verified in ${ms} ms; ${broken ? `${broken} broken` : "no break"}.`);
  return broken ? 1 : 0;
}
