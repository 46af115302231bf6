import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/refund-requests/route";
import { GET } from "@/app/api/v1/refund-requests/[caseId]/route";
import { useConnection } from "../db";
import { createTestDb, type TestDb } from "../testing/db";
import { createApiKey, revokeApiKey } from "./api-keys";

const body = (patch: Record<string, unknown> = {}) => ({
  out_trade_no: "TEA-20261201-0001",
  paid_amount: "128.00",
  refund_amount: "88.50",
  currency: "CNY",
  reason: "茶叶包装破损",
  customer: { id: "2088000000000001" },
  merchant_category: "tea",
  ...patch,
});

const URL_BASE = "http://console.test/api/v1/refund-requests";

function post(headers: Record<string, string>, payload: unknown) {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  return POST(new Request(URL_BASE, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text }));
}

function get(key: string, caseId: string) {
  return GET(new Request(`${URL_BASE}/${caseId}`, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({ caseId }) });
}

describe("POST /api/v1/refund-requests", () => {
  let t: TestDb;
  let keyA: string;
  let keyB: string;
  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
    await t.prisma.merchant.createMany({ data: [{ id: "m-a", name: "A" }, { id: "m-b", name: "B" }] });
    keyA = (await createApiKey(t.prisma, "m-a", "A", null)).key;
    keyB = (await createApiKey(t.prisma, "m-b", "B", null)).key;
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await t.prisma.job.deleteMany();
    await t.prisma.case.deleteMany();
  });

  const written = async () => ({ cases: await t.prisma.case.count(), jobs: await t.prisma.job.count() });
  const auth = (key: string, idem = "req-1") => ({ authorization: `Bearer ${key}`, "idempotency-key": idem });

  it("creates with 201, replays with 200 and the same case, and refuses a changed body with 409", async () => {
    const first = await post(auth(keyA), body());
    expect(first.status).toBe(201);
    const created = (await first.json()) as Record<string, string>;
    expect(created).toEqual({
      id: expect.any(String),
      status: "NEW",
      out_request_no: expect.stringMatching(/^RF/),
      requested_amount: "88.50",
      created_at: expect.any(String),
    });
    expect(first.headers.get("location")).toBe(`/api/v1/refund-requests/${created.id}`);

    const again = await post(auth(keyA), body());
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(created);

    const changed = await post(auth(keyA), body({ refund_amount: "1.00" }));
    expect(changed.status).toBe(409);
    expect(await changed.json()).toMatchObject({ error: { code: "conflict" } });
    expect(await written()).toEqual({ cases: 1, jobs: 1 });

    const status = await get(keyA, created.id!);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual(created);
    const hidden = await get(keyB, created.id!);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("answers every bad request with a 4xx naming the problem, and writes nothing", async () => {
    const cases: [Record<string, string>, unknown, number, string, string | null][] = [
      [{}, body(), 401, "unauthenticated", null],
      [{ authorization: "Bearer sk_live_nope" }, body(), 401, "unauthenticated", null],
      [{ authorization: `Bearer ${keyA}` }, body(), 400, "invalid_request", "Idempotency-Key"],
      [auth(keyA, "k".repeat(101)), body(), 400, "invalid_request", "Idempotency-Key"],
      [auth(keyA), "{not json", 400, "invalid_request", "body"],
      [auth(keyA), body({ refund_amount: "300.00" }), 400, "invalid_request", "refund_amount"],
      [auth(keyA), body({ paid_amount: "12.345" }), 400, "invalid_request", "paid_amount"],
      [auth(keyA), { ...body(), customer: {} }, 400, "invalid_request", "customer.id"],
      [auth(keyA), "x".repeat(70_000), 400, "invalid_request", "body"],
    ];
    for (const [headers, payload, status, code, field] of cases) {
      const res = await post(headers, payload);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
      expect(json.error.code).toBe(code);
      expect(json.error.message.length).toBeGreaterThan(0);
      if (field) expect(Object.keys(json.error.fields ?? {})).toContain(field);
    }
    expect(await written()).toEqual({ cases: 0, jobs: 0 });
    const unauth = await post({}, body());
    expect(unauth.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("speaks Chinese to a caller that asks for it", async () => {
    const res = await post({ ...auth(keyA), "accept-language": "zh-CN,zh;q=0.9" }, body({ refund_amount: "0" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { fields: { refund_amount: "必须大于 0" } } });
  });

  it("turns 10 parallel identical requests into one case: one 201, nine 200", async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(auth(keyA, "race"), body())));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    expect(await written()).toEqual({ cases: 1, jobs: 1 });
  });

  it("refuses a revoked key with 401", async () => {
    const { id, key } = await createApiKey(t.prisma, "m-a", "Soon revoked", null);
    expect((await post(auth(key, "r-1"), body())).status).toBe(201);
    await revokeApiKey(t.prisma, "m-a", id, null);
    expect((await post(auth(key, "r-2"), body())).status).toBe(401);
    expect(await written()).toEqual({ cases: 1, jobs: 1 });
  });
});
