import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus } from "../generated/prisma/enums";
import { createTestDb, type TestDb } from "../testing/db";
import { caseCounts, caseCountsFromCases, RESOLVED_STATUSES } from "./cases";
import { rebuildCostRollups } from "./queries";
import { addDays, localDay } from "./range";

const STATUSES = Object.values(CaseStatus);
// New York leaves daylight time on 2026-11-01: a 25-hour local day inside the window.
const ZONES = ["Asia/Shanghai", "America/New_York"];
const BASE = Date.UTC(2026, 9, 25); // 2026-10-25
const MINUTES = 30 * 24 * 60;
const DAY0 = "2026-10-24";

type Model = { merchant: number; createdAt: Date; status: CaseStatus; decidedById: string | null; handlingMs: number | null };

const fields = fc.record({
  merchant: fc.integer({ min: 0, max: 1 }),
  minute: fc.integer({ min: 0, max: MINUTES }),
  status: fc.constantFrom(...STATUSES),
  decided: fc.boolean(),
  handlingMs: fc.option(fc.integer({ min: 0, max: 2_000_000_000 }), { nil: null }),
});

/** One step of a case's life: created (alone or in bulk), decided later, re-timed, moved, touched without a counted change, deleted. */
const opArb = fc.oneof(
  fc.record({ op: fc.constant("insert" as const), rows: fc.array(fields, { minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant("status" as const), pick: fc.nat(), status: fc.constantFrom(...STATUSES), decided: fc.option(fc.boolean(), { nil: undefined }) }),
  fc.record({ op: fc.constant("handling" as const), pick: fc.nat(), handlingMs: fc.option(fc.integer({ min: 0, max: 2_000_000_000 }), { nil: null }) }),
  fc.record({ op: fc.constant("move" as const), pick: fc.nat(), merchant: fc.integer({ min: 0, max: 1 }), minute: fc.integer({ min: 0, max: MINUTES }) }),
  fc.record({ op: fc.constant("bulkStatus" as const), from: fc.constantFrom(...STATUSES), to: fc.constantFrom(...STATUSES) }),
  fc.record({ op: fc.constant("touch" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("deleteMany" as const), status: fc.constantFrom(...STATUSES) }),
);

describe("daily case rollup", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.dispose());

  it("counts as resolved in SQL exactly the statuses RESOLVED_STATUSES names", async () => {
    for (const status of STATUSES) {
      const [r] = await t.prisma.$queryRaw<{ resolved: boolean }[]>`SELECT cost_case_resolved(${status}) AS resolved`;
      expect(r!.resolved, status).toBe((RESOLVED_STATUSES as readonly string[]).includes(status));
    }
  });

  it("equals the raw cases after random inserts, updates and deletes, and a rebuild changes nothing", { timeout: 240_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(fc.tuple(fc.nat(31), fc.nat(31)), { minLength: 1, maxLength: 3 }), async (ops, ranges) => {
        run++;
        const ids = ZONES.map((_, i) => `m-c${run}-${i}`);
        await t.prisma.merchant.createMany({ data: ids.map((id, i) => ({ id, name: id, timeZone: ZONES[i]! })) });
        const model = new Map<string, Model>();
        const live = () => [...model.keys()];
        const at = (minute: number) => new Date(BASE + minute * 60_000);
        let n = 0;

        for (const o of ops) {
          const id = live()[("pick" in o ? o.pick : 0) % Math.max(1, model.size)];
          if (o.op === "insert") {
            const data = o.rows.map((r) => ({
              id: `c${run}-${n++}`,
              merchantId: ids[r.merchant]!,
              kind: "REFUND" as const,
              status: r.status,
              outTradeNo: `T${n}`,
              outRequestNo: `R${n}`,
              paidAmountFen: 100,
              requestedAmountFen: 100,
              reasonText: "r",
              customerId: "c",
              merchantCategory: "tea",
              decidedById: r.decided ? "agent" : null,
              handlingMs: r.handlingMs,
              createdAt: at(r.minute),
            }));
            await t.prisma.case.createMany({ data });
            for (const [i, d] of data.entries()) model.set(d.id, { merchant: o.rows[i]!.merchant, createdAt: d.createdAt, status: d.status, decidedById: d.decidedById, handlingMs: d.handlingMs });
          } else if (o.op === "bulkStatus") {
            await t.prisma.case.updateMany({ where: { merchantId: { in: ids }, status: o.from }, data: { status: o.to } });
            for (const m of model.values()) if (m.status === o.from) m.status = o.to;
          } else if (o.op === "deleteMany") {
            await t.prisma.case.deleteMany({ where: { merchantId: { in: ids }, status: o.status } });
            for (const [k, m] of model) if (m.status === o.status) model.delete(k);
          } else if (id === undefined) {
            continue;
          } else if (o.op === "status") {
            const decidedById = o.decided === undefined ? undefined : o.decided ? "agent" : null;
            await t.prisma.case.update({ where: { id }, data: { status: o.status, decidedById, decidedAt: decidedById ? new Date() : undefined } });
            Object.assign(model.get(id)!, { status: o.status }, decidedById === undefined ? {} : { decidedById });
          } else if (o.op === "handling") {
            await t.prisma.case.update({ where: { id }, data: { handlingMs: o.handlingMs } });
            model.get(id)!.handlingMs = o.handlingMs;
          } else if (o.op === "move") {
            await t.prisma.case.update({ where: { id }, data: { merchantId: ids[o.merchant]!, createdAt: at(o.minute) } });
            Object.assign(model.get(id)!, { merchant: o.merchant, createdAt: at(o.minute) });
          } else if (o.op === "touch") {
            await t.prisma.case.update({ where: { id }, data: { claimedById: "agent", claimedAt: new Date(), version: { increment: 1 } } });
          } else {
            await t.prisma.case.delete({ where: { id } });
            model.delete(id);
          }
        }

        // the whole rollup, row for row, against the model's cases by local day (no empty days)
        const expected = new Map<string, number[]>();
        for (const m of model.values()) {
          const key = `${ids[m.merchant]} ${localDay(m.createdAt, ZONES[m.merchant]!)}`;
          const v = expected.get(key) ?? [0, 0, 0, 0, 0];
          const resolved = (RESOLVED_STATUSES as readonly string[]).includes(m.status);
          expected.set(key, [v[0]! + 1, v[1]! + Number(resolved), v[2]! + Number(resolved && m.decidedById === null), v[3]! + Number(m.handlingMs !== null), v[4]! + (m.handlingMs ?? 0)]);
        }
        const snapshot = async () =>
          new Map(
            (
              await t.prisma.$queryRaw<{ key: string; v: string[] }[]>`
                SELECT "merchantId" || ' ' || to_char(day, 'YYYY-MM-DD') AS key, ARRAY[cases, resolved, "autoResolved", reviewed, "handlingMs"]::text[] AS v
                FROM "CostCaseDaily" WHERE "merchantId" = ANY(${ids}) ORDER BY 1`
            ).map((r) => [r.key, r.v.map(Number)]),
          );
        const rollup = await snapshot();
        expect(rollup).toEqual(expected);

        // what the page reads equals the raw pass over "Case", for any range
        for (const [i, id] of ids.entries()) {
          for (const [a, b] of ranges) {
            const range = { from: addDays(DAY0, Math.min(a, b)), to: addDays(DAY0, Math.max(a, b)) };
            expect(await caseCounts(t.prisma, id, range), `${id} ${range.from}..${range.to}`).toEqual(await caseCountsFromCases(t.prisma, id, range, ZONES[i]!));
          }
        }

        for (const id of ids) await rebuildCostRollups(t.prisma, id);
        expect(await snapshot()).toEqual(rollup);
      }),
      { numRuns: 12, seed: 20261202 },
    );
  });

  it("counts a case on its creation day, whenever it is decided", async () => {
    const M = "m-case-life";
    await t.prisma.merchant.create({ data: { id: M, name: M, timeZone: "Asia/Shanghai" } });
    // 23:30 on Nov 30 in Shanghai
    const c = await t.prisma.case.create({ data: { merchantId: M, kind: "DISPUTE", outTradeNo: "T", outRequestNo: "R", paidAmountFen: 1, requestedAmountFen: 1, reasonText: "r", customerId: "c", merchantCategory: "tea", createdAt: new Date("2026-11-30T15:30:00Z") } });
    const dec = { from: "2026-12-01", to: "2026-12-31" };
    const nov = { from: "2026-11-01", to: "2026-11-30" };
    expect(await caseCounts(t.prisma, M, nov)).toEqual({ cases: 1, resolved: 0, autoResolved: 0, reviewed: 0, handlingMs: 0 });
    await t.prisma.case.update({ where: { id: c.id }, data: { status: "REVIEW" } });
    await t.prisma.case.update({ where: { id: c.id }, data: { status: "REJECTED", decidedById: "agent", decidedAt: new Date("2026-12-03T02:00:00Z"), handlingMs: 90_000 } });
    expect(await caseCounts(t.prisma, M, nov)).toEqual({ cases: 1, resolved: 1, autoResolved: 0, reviewed: 1, handlingMs: 90_000 });
    expect(await caseCounts(t.prisma, M, dec)).toEqual({ cases: 0, resolved: 0, autoResolved: 0, reviewed: 0, handlingMs: 0 });
    await t.prisma.case.delete({ where: { id: c.id } });
    expect(await t.prisma.costCaseDaily.count({ where: { merchantId: M } })).toBe(0);
  });
});
