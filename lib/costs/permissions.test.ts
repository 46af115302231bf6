import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("../security/test-identity")).useTestEnvironment("costs-perm"));
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), ...(await import("../security/test-identity")).fakeNextAuth }));
vi.mock("next/headers", async () => (await import("../security/test-identity")).fakeHeaders);

import { saveCostSettingsAction, setBudgetAction } from "@/app/(console)/m/[merchantId]/costs/actions";
import { GET } from "@/app/api/m/[merchantId]/costs/export/route";
import { useConnection } from "../db";
import type { Role } from "../generated/prisma/enums";
import { signInAs } from "../security/test-identity";
import { createTestDb, type TestDb } from "../testing/db";

const A = "m-cost-a";
const B = "m-cost-b";
const C = "m-cost-c";

describe("who sees and sets costs", () => {
  let t: TestDb;
  const users: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
    await t.prisma.merchant.createMany({ data: [{ id: A, name: "Alpha" }, { id: B, name: "Beta" }, { id: C, name: "Gamma" }] });
    const mk = async (name: string, roles: [string, Role][]) => {
      const u = await t.prisma.user.create({ data: { email: `${name}@costs.test`, name, passwordHash: "x" } });
      for (const [merchantId, role] of roles) await t.prisma.membership.create({ data: { merchantId, userId: u.id, role } });
      users[name] = u.id;
    };
    await mk("agent", [[A, "AGENT"]]);
    await mk("finance", [[A, "FINANCE"], [B, "FINANCE"], [C, "AGENT"]]);
    await mk("auditor", [[A, "AUDITOR"]]);
    await mk("admin", [[A, "ADMIN"]]);
    await mk("outsider", [[B, "ADMIN"]]);
    const day = new Date(Date.UTC(2026, 10, 10, 4));
    await t.prisma.apiCall.createMany({
      data: [A, B, C].map((merchantId, i) => ({ merchantId, endpoint: "ai.risk.score", requestId: `p${i}`, latencyMs: 1, attempt: 1, outcome: "SUCCESS", costCny: `${i + 1}.000000`, createdAt: day })),
    });
  });
  afterAll(async () => {
    signInAs(null);
    await t.dispose();
  });

  const exportAs = async (who: string | null, merchantId: string, query = "from=2026-11-01&to=2026-11-30&view=day") => {
    signInAs(who === null ? null : users[who]!);
    return GET(new Request(`http://console.test/api/m/${merchantId}/costs/export?${query}`), { params: Promise.resolve({ merchantId }) });
  };

  it("lets finance, admins and auditors export; refuses agents, outsiders and the signed out", async () => {
    for (const who of ["finance", "admin", "auditor"]) expect((await exportAs(who, A)).status, who).toBe(200);
    expect((await exportAs("agent", A)).status).toBe(403);
    expect((await exportAs("outsider", A)).status).toBe(403);
    expect((await exportAs(null, A)).status).toBe(401);
  });

  it("refuses a bad range with a clear error", async () => {
    const res = await exportAs("finance", A, "from=2026-12-01&to=2026-11-01");
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("range");
  });

  it("by merchant lists only the merchants where the user may read costs", async () => {
    const text = await (await exportAs("finance", A, "from=2026-11-01&to=2026-11-30&view=merchant&lang=en")).text();
    const lines = text.trim().split("\r\n");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["Alpha", "Beta", "Total"]);
    expect(lines.at(-1)).toContain("3.000000");
    // an agent elsewhere does not widen it
    expect(text).not.toContain("Gamma");
  });

  it("exports the unit economics as the card shows them: sums exact, derived amounts to the fen", async () => {
    const at = new Date(Date.UTC(2026, 10, 12, 4));
    await t.prisma.case.createMany({
      data: ["REFUNDED", "REVIEW", "NEW"].map((status, i) => ({ merchantId: A, kind: "REFUND" as const, status: status as "REFUNDED", outTradeNo: `S${i}`, outRequestNo: `S${i}`, paidAmountFen: 1, requestedAmountFen: 1, reasonText: "r", customerId: "c", merchantCategory: "tea", createdAt: at })),
    });
    const text = await (await exportAs("finance", A, "from=2026-11-01&to=2026-11-30&view=summary&lang=en")).text();
    const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines.slice(0, 9)).toEqual([
      "Measure,Value",
      "Cases created in the range,3",
      "Resolved cases,1",
      "Cases resolved without a person,1",
      "Cases with measured handling time,0",
      "API spend (CNY),1.000000",
      "AI cost per case (CNY),0.33",
      "AI cost per resolved case (CNY),1.00",
      "AI cost per automatically resolved case (CNY),1.00",
    ]);
    expect(lines).toContain("Human cost per reviewed case (CNY),");
    expect((await exportAs("agent", A, "from=2026-11-01&to=2026-11-30&view=summary")).status).toBe(403);
  });

  it("lets finance and admins set budgets and settings; auditors and agents cannot, and nothing changes", async () => {
    signInAs(users.auditor!);
    expect(await setBudgetAction(A, { month: "2026-12", amount: "100" })).toMatchObject({ ok: false, error: { kind: "forbidden" } });
    signInAs(users.agent!);
    expect(await saveCostSettingsAction(A, { reviewHourlyRate: "1", webhookUrl: "" })).toMatchObject({ ok: false, error: { kind: "forbidden" } });
    signInAs(users.outsider!);
    expect(await setBudgetAction(A, { month: "2026-12", amount: "100" })).toMatchObject({ ok: false, error: { kind: "forbidden" } });
    expect(await t.prisma.costBudget.count()).toBe(0);
    expect(await t.prisma.costSettings.count()).toBe(0);

    signInAs(users.finance!);
    expect(await setBudgetAction(A, { month: "2026-12", amount: "1.234" })).toMatchObject({ ok: false, error: { kind: "invalid" } });
    expect(await t.prisma.costBudget.count()).toBe(0);
    expect(await setBudgetAction(A, { month: "2026-12", amount: "5000" })).toEqual({ ok: true, data: { month: "2026-12", amountFen: 500_000 } });
    signInAs(users.admin!);
    expect(await saveCostSettingsAction(A, { reviewHourlyRate: "75.50", webhookUrl: "https://hooks.example/x" })).toMatchObject({ ok: true, data: { reviewHourlyRateFen: 7_550 } });
  });
});
