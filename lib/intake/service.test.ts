import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createTestDb, type TestDb } from "../testing/db";
import { createRefundRequest, getCaseStatus, requestHash } from "./service";

const body = (patch: Record<string, unknown> = {}) => ({
  out_trade_no: "TEA-20261201-0001",
  paid_amount: "128.00",
  refund_amount: "88.50",
  currency: "CNY",
  reason: "茶叶包装破损",
  customer: { id: "2088000000000001", device_fingerprint: "fp-abc" },
  merchant_category: "tea",
  ...patch,
});

// The audit trail is append-only (the database refuses DELETE): count only what each test wrote.
let since = 0n;
async function counts(t: TestDb) {
  const [cases, jobs, audits] = await Promise.all([t.prisma.case.count(), t.prisma.job.count(), t.prisma.auditEvent.count({ where: { id: { gt: since } } })]);
  return { cases, jobs, audits };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await t.prisma.merchant.createMany({ data: [{ id: "m-a", name: "A" }, { id: "m-b", name: "B" }] });
});
afterAll(() => t.dispose());
beforeEach(async () => {
  await t.prisma.job.deleteMany();
  since = (await t.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
  await t.prisma.case.deleteMany();
});

describe("createRefundRequest", () => {

  it("creates the case, one assessment job and one audit event", async () => {
    const now = new Date("2026-12-01T02:00:00Z");
    const result = await createRefundRequest(t.prisma, "m-a", "req-1", body(), { now: () => now });
    expect(result.replayed).toBe(false);
    expect(result.case).toMatchObject({ status: "NEW", requested_amount: "88.50", created_at: now.toISOString() });
    expect(result.case.out_request_no).toMatch(/^RF[A-Za-z0-9]{24}$/);

    const row = await t.prisma.case.findUniqueOrThrow({ where: { id: result.case.id } });
    expect(row).toMatchObject({
      merchantId: "m-a",
      kind: "REFUND",
      status: "NEW",
      outTradeNo: "TEA-20261201-0001",
      paidAmountFen: 12_800,
      requestedAmountFen: 8_850,
      reasonText: "茶叶包装破损",
      customerId: "2088000000000001",
      deviceFingerprint: "fp-abc",
      crossBorder: false,
      locale: "zh-CN",
      idempotencyKey: "req-1",
      outRequestNo: result.case.out_request_no,
    });
    expect(row.requestHash).toMatch(/^[0-9a-f]{64}$/);
    const jobs = await t.prisma.job.findMany();
    expect(jobs).toEqual([expect.objectContaining({ merchantId: "m-a", kind: "assess", caseId: row.id, status: "QUEUED", runAt: now })]);
    const audits = await t.prisma.auditEvent.findMany({ where: { id: { gt: since } } });
    expect(audits).toEqual([
      expect.objectContaining({
        merchantId: "m-a",
        actorId: null,
        action: "case.created",
        targetType: "case",
        targetId: row.id,
        after: { kind: "REFUND", requestedAmountFen: 8_850, source: "api" },
      }),
    ]);
  });

  it("replays the same key and body as the same case, writing nothing more", async () => {
    const first = await createRefundRequest(t.prisma, "m-a", "req-1", body());
    // Same request, written differently: reordered keys and "88.5" for "88.50".
    const { merchant_category, ...rest } = body({ refund_amount: "88.5" });
    const again = await createRefundRequest(t.prisma, "m-a", "req-1", { merchant_category, ...rest, cross_border: false });
    expect(again).toEqual({ case: first.case, replayed: true });
    expect(await counts(t)).toEqual({ cases: 1, jobs: 1, audits: 1 });
  });

  it("refuses the same key with a different body as a conflict", async () => {
    await createRefundRequest(t.prisma, "m-a", "req-1", body());
    const err = await rejection(createRefundRequest(t.prisma, "m-a", "req-1", body({ refund_amount: "10.00" })));
    expect(err.kind).toBe("conflict");
    expect(err.message).toMatch(/Idempotency-Key/);
    expect(await counts(t)).toEqual({ cases: 1, jobs: 1, audits: 1 });
  });

  it("keeps keys per merchant: the same key at another merchant is another case", async () => {
    const a = await createRefundRequest(t.prisma, "m-a", "req-1", body());
    const b = await createRefundRequest(t.prisma, "m-b", "req-1", body());
    expect(b.replayed).toBe(false);
    expect(b.case.id).not.toBe(a.case.id);
    expect(b.case.out_request_no).not.toBe(a.case.out_request_no);
  });

  it("turns 10 parallel identical requests into exactly one case", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => createRefundRequest(t.prisma, "m-a", "race", body())));
    expect(new Set(results.map((r) => r.case.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await counts(t)).toEqual({ cases: 1, jobs: 1, audits: 1 });
  });

  it("answers parallel requests with one key and different bodies with one case and conflicts", async () => {
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => createRefundRequest(t.prisma, "m-a", "race-2", body({ refund_amount: `${i + 1}.00` }))),
    );
    const created = settled.filter((s) => s.status === "fulfilled");
    expect(created).toHaveLength(1);
    for (const s of settled) if (s.status === "rejected") expect((s.reason as AppError).kind).toBe("conflict");
    expect(await counts(t)).toEqual({ cases: 1, jobs: 1, audits: 1 });
  });

  it("refuses a bad body naming the fields, and writes nothing", async () => {
    const err = await rejection(createRefundRequest(t.prisma, "m-a", "req-1", body({ refund_amount: "200.00", currency: "USD" })));
    expect(err.kind).toBe("invalid");
    expect(Object.keys(err.details ?? {})).toContain("currency");
    const err2 = await rejection(createRefundRequest(t.prisma, "m-a", "req-1", body({ refund_amount: "200.00" })));
    expect(err2.details).toEqual({ refund_amount: "must not be more than paid_amount" });
    expect(await counts(t)).toEqual({ cases: 0, jobs: 0, audits: 0 });
  });

  it("refuses a missing or oversized Idempotency-Key, and writes nothing", async () => {
    for (const key of [null, undefined, "", "k".repeat(101)]) {
      const err = await rejection(createRefundRequest(t.prisma, "m-a", key, body()));
      expect(err.kind).toBe("invalid");
      expect(Object.keys(err.details ?? {})).toEqual(["Idempotency-Key"]);
    }
    expect(await counts(t)).toEqual({ cases: 0, jobs: 0, audits: 0 });
  });

  it("hashes the validated request, not its spelling", () => {
    const a = { outTradeNo: "x", tradeNo: undefined, paidAmountFen: 1, requestedAmountFen: 1 } as never;
    const b = { requestedAmountFen: 1, paidAmountFen: 1, outTradeNo: "x" } as never;
    expect(requestHash(a)).toBe(requestHash(b));
  });
});

describe("getCaseStatus", () => {

  it("shows a merchant its own case and hides it from another merchant", async () => {
    const { case: created } = await createRefundRequest(t.prisma, "m-a", "req-1", body());
    expect(await getCaseStatus(t.prisma, "m-a", created.id)).toEqual(created);
    const err = await rejection(getCaseStatus(t.prisma, "m-b", created.id));
    expect(err.kind).toBe("not_found");
    expect((await rejection(getCaseStatus(t.prisma, "m-a", "no-such-case"))).kind).toBe("not_found");
  });
});
