import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCredentials } from "../auth/credentials";
import { DEMO_PASSWORD } from "../demo/accounts";
import { verifyAllChains } from "../audit/verify";
import { listQueue } from "../review/queries";
import { createTestDb, type TestDb } from "../testing/db";
import { generateLoad, type LoadSummary } from "./generate-load";

describe("the load generator", () => {
  let t: TestDb;
  let s: LoadSummary;
  const now = new Date("2026-12-01T00:00:00Z");
  beforeAll(async () => {
    t = await createTestDb();
    s = await generateLoad(t, { cases: 3000, merchants: 5, days: 90, now });
  }, 600_000);
  afterAll(() => t.dispose());

  const one = async <T>(sql: string) => (await t.runner.query<T>(sql))[0]!;

  it("writes the cases, one decision per case (a few superseded), ~3 ledger rows and ~3 audit events per case", () => {
    expect(s.rows.Case).toBe(3000);
    expect(s.rows.Merchant).toBe(5);
    expect(s.rows.AiDecision).toBeGreaterThanOrEqual(3000);
    expect(s.rows.AiDecision).toBeLessThan(3000 * 1.05);
    expect(s.rows.ApiCall! / 3000).toBeGreaterThan(2.3);
    expect(s.rows.ApiCall! / 3000).toBeLessThan(3.5);
    expect(s.rows.AuditEvent! / 3000).toBeGreaterThan(2.3);
    expect(s.rows.AuditEvent! / 3000).toBeLessThanOrEqual(3);
  });

  it("spreads cases over the window and the merchants, busiest first, with a realistic mix", async () => {
    const span = await one<{ first: Date; last: Date }>(`SELECT min("createdAt") AS first, max("createdAt") AS last FROM "Case"`);
    expect(new Date(span.last).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - new Date(span.first).getTime()).toBeGreaterThan(80 * 86_400_000);
    const byMerchant = await t.runner.query<{ m: string; n: number }>(`SELECT "merchantId" AS m, count(*)::int AS n FROM "Case" GROUP BY 1 ORDER BY 2 DESC`);
    expect(byMerchant).toHaveLength(5);
    expect(byMerchant[0]!.m).toBe("m-teahouse");
    const mix = await one<{ disputes: number; open: number; refunded: number; rejected: number; above: number }>(`
      SELECT avg((kind = 'DISPUTE')::int)::float8 AS disputes, avg((status IN ('REVIEW','ESCALATED'))::int)::float8 AS open,
             avg((status = 'REFUNDED')::int)::float8 AS refunded, avg((status = 'REJECTED')::int)::float8 AS rejected,
             avg(("requestedAmountFen" > 20000)::int)::float8 AS above FROM "Case"`);
    expect(mix.disputes).toBeGreaterThan(0.03);
    expect(mix.disputes).toBeLessThan(0.1);
    expect(mix.open).toBeGreaterThan(0.005);
    expect(mix.open).toBeLessThan(0.1);
    expect(mix.refunded).toBeGreaterThan(0.5);
    expect(mix.rejected).toBeGreaterThan(0.02);
    expect(mix.above).toBeGreaterThan(0.02);
  });

  it("keeps money exact: every refund call's fee is 0.6% of the refunded amount, rounded to the fen", async () => {
    const bad = await one<{ n: number }>(`
      SELECT count(*)::int AS n FROM "ApiCall" a JOIN "Case" c ON c.id = a."caseId"
      WHERE a.endpoint = 'trade.refund' AND a."feeCny" <> round(c."refundedAmountFen" * 0.006) / 100.0`);
    expect(bad.n).toBe(0);
    const refunds = await one<{ calls: number; cases: number }>(`
      SELECT (SELECT count(*)::int FROM "ApiCall" WHERE endpoint = 'trade.refund') AS calls, (SELECT count(*)::int FROM "Case" WHERE status = 'REFUNDED') AS cases`);
    expect(refunds.calls).toBe(refunds.cases);
  });

  it("records failures with their retries, and a drift in the last 14 days", async () => {
    const f = await one<{ timeouts: number; limited: number; retries: number }>(`
      SELECT count(*) FILTER (WHERE outcome = 'TIMEOUT')::int AS timeouts, count(*) FILTER (WHERE outcome = 'RATE_LIMITED' AND "httpStatus" = 429)::int AS limited,
             count(*) FILTER (WHERE attempt = 2)::int AS retries FROM "ApiCall"`);
    expect(f.timeouts).toBeGreaterThan(0);
    expect(f.limited).toBeGreaterThan(0);
    expect(f.retries).toBeGreaterThan(0);
    const d = await one<{ recent: number; before: number }>(`
      SELECT avg(d."riskScore") FILTER (WHERE d."createdAt" > '2026-11-17')::float8 AS recent, avg(d."riskScore") FILTER (WHERE d."createdAt" <= '2026-11-17')::float8 AS before
      FROM "AiDecision" d JOIN "Case" c ON c.id = d."caseId" WHERE c."merchantCategory" = 'tea'`);
    expect(d.recent - d.before).toBeGreaterThan(0.04);
  });

  it("leaves a usable database: the demo accounts sign in, the queue reads, every index is back", async () => {
    const user = await checkCredentials(t.prisma, "agent@teahouse.demo", DEMO_PASSWORD);
    expect(user?.email).toBe("agent@teahouse.demo");
    const queue = await listQueue(t.prisma, "m-teahouse", {});
    expect(queue.length).toBeGreaterThan(0);
    const idx = await one<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'Case_queue_priority_idx'`);
    expect(idx.n).toBe(1);
    const staging = await one<{ t: string | null }>(`SELECT to_regclass('load_gen')::text AS t`);
    expect(staging.t).toBeNull();
  });

  it("chains every audit event, as the insert trigger would have (npm run audit:verify holds)", async () => {
    const statuses = await verifyAllChains(t.prisma);
    expect(statuses).toHaveLength(5);
    expect(statuses.filter((c) => c.broken)).toEqual([]);
    const chained = statuses.reduce((n, c) => n + Number(c.verifiedSeq), 0);
    expect(chained).toBe(s.rows.AuditEvent);
  });

  it("refuses a database that already has cases, and changes nothing", async () => {
    await expect(generateLoad(t, { cases: 10, merchants: 2, days: 1, now })).rejects.toThrow(/already has cases/);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Case"`)).n).toBe(3000);
  });
});
