import type { Connection } from "../db/connect";
import { freshBenchDb } from "../bench/db";
import { percentile } from "../bench/stats";
import { recordAudit } from "./record";
import { verifyMerchantChain } from "./verify";

/**
 * npx tsx lib/audit/bench.ts [-- --events 100000 --tx 2000 --writers 8]
 * On the PostgreSQL server (BENCH_DATABASE_URL, default the local one), database bench_audit:
 * 1. bulk createMany (batches of 2,000) with the chain trigger on, and off (baseline);
 * 2. one event per transaction from N concurrent writers: all on one merchant (they serialize on
 *    its chain lock), spread over N merchants, and with the trigger off;
 * 3. audit:verify's walk over one merchant's chain (events per second, recomputed in Node).
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : Number(fallback);
};
const EVENTS = arg("events", "100000");
const TX = arg("tx", "2000");
const WRITERS = arg("writers", "8");

const event = (merchantId: string, i: number) => ({
  merchantId,
  actorId: i % 3 ? `u-${i % 7}` : null,
  action: i % 2 ? "case.approved" : "case.created",
  targetType: "case",
  targetId: `c${i}`,
  before: i % 2 ? { status: "REVIEW" } : undefined,
  after: { status: "APPROVED", refundedAmountFen: 1_000 + i, reasons: ["AI_REVIEW", "AMOUNT_OVER_LIMIT"] },
});

async function trigger(conn: Connection, on: boolean) {
  await conn.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ${on ? "ENABLE" : "DISABLE"} TRIGGER audit_event_chain`);
}

async function bulk(conn: Connection, merchants: string[], n: number) {
  const t0 = performance.now();
  for (let i = 0; i < n; i += 2_000) {
    await conn.prisma.auditEvent.createMany({ data: Array.from({ length: Math.min(2_000, n - i) }, (_, j) => event(merchants[(i + j) % merchants.length]!, i + j)) });
  }
  return n / ((performance.now() - t0) / 1000);
}

async function concurrent(conn: Connection, merchantOf: (writer: number) => string) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < TX / WRITERS; i++) {
        const s = performance.now();
        await conn.prisma.$transaction((tx) => recordAudit(tx, event(merchantOf(w), i)), { maxWait: 30_000, timeout: 30_000 });
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return `${Math.round(TX / seconds)} tx/s, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`;
}

const conn = await freshBenchDb("bench_audit", { max: WRITERS + 2 });
try {
  console.log(`audit chain benchmark on PostgreSQL: ${EVENTS} bulk events, ${TX} single-event transactions from ${WRITERS} writers`);
  await trigger(conn, false);
  const baseBulk = await bulk(conn, ["m-base"], EVENTS);
  await trigger(conn, true);
  const chainBulk = await bulk(conn, ["m-a", "m-b"], EVENTS);
  console.log(`bulk createMany: chained ${Math.round(chainBulk)} events/s; trigger off ${Math.round(baseBulk)} events/s`);

  console.log(`single-event tx, ${WRITERS} writers on 1 merchant: ${await concurrent(conn, () => "m-hot")}`);
  console.log(`single-event tx, ${WRITERS} writers on ${WRITERS} merchants: ${await concurrent(conn, (w) => `m-w${w}`)}`);
  await trigger(conn, false);
  console.log(`single-event tx, ${WRITERS} writers, trigger off: ${await concurrent(conn, () => "m-base")}`);
  await trigger(conn, true);

  const t0 = performance.now();
  const status = await verifyMerchantChain(conn.prisma, "m-a");
  const seconds = (performance.now() - t0) / 1000;
  if (status.broken) throw new Error(`chain broken: ${JSON.stringify(status.broken)}`);
  console.log(`verify m-a: ${status.verifiedSeq} events in ${seconds.toFixed(2)} s = ${Math.round(Number(status.verifiedSeq) / seconds)} events/s`);
} finally {
  await conn.drop();
}
