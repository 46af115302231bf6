import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("@/lib/security/test-identity")).useTestEnvironment("audit-export", null));
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), ...(await import("@/lib/security/test-identity")).fakeNextAuth }));
vi.mock("next/headers", async () => (await import("@/lib/security/test-identity")).fakeHeaders);

import { useConnection } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { signInAs } from "@/lib/security/test-identity";
import { createTestDb, type TestDb } from "@/lib/testing/db";
import { GET } from "./route";

const M = "m-exp";
const NOTE = { note: 'say "hi", then\nleave' };

describe("GET /api/m/[merchantId]/audit/export", () => {
  let t: TestDb;
  const users = {} as Record<Role | "OTHER", string>;
  const get = (merchantId: string, query = "") => GET(new Request(`http://console.test/api/m/${merchantId}/audit/export${query}`), { params: Promise.resolve({ merchantId }) });
  const exports = () => t.prisma.auditEvent.count({ where: { action: "audit.exported" } });

  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
    await t.prisma.merchant.createMany({ data: [{ id: M, name: "Export Co" }, { id: "m-other", name: "Other" }] });
    for (const role of ["AGENT", "ADMIN", "FINANCE", "AUDITOR"] as const) {
      users[role] = (await t.prisma.user.create({ data: { email: `${role}@x.test`, name: role, passwordHash: "x" } })).id;
      await t.prisma.membership.create({ data: { merchantId: M, userId: users[role], role } });
    }
    users.OTHER = (await t.prisma.user.create({ data: { email: "other@x.test", name: "Other", passwordHash: "x" } })).id;
    await t.prisma.membership.create({ data: { merchantId: "m-other", userId: users.OTHER, role: "ADMIN" } });
    await t.prisma.auditEvent.createMany({
      data: Array.from({ length: 2_500 }, (_, i) => ({
        merchantId: M,
        actorId: users.ADMIN,
        action: i % 2 ? "case.approved" : "case.created",
        targetType: "case",
        targetId: i === 0 ? "=cmd|' /c calc'!A0" : `c${i}`,
        after: i === 0 ? NOTE : { i },
        createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000),
      })),
    });
    await t.prisma.auditEvent.create({ data: { merchantId: "m-other", action: "case.created", targetType: "case", targetId: "secret-case" } });
  });
  afterAll(async () => {
    signInAs(null);
    await t.dispose();
  });

  it("streams every matching row as CSV for an auditor, and records the export", async () => {
    signInAs(users.AUDITOR);
    const res = await get(M, "?action=case.created");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-m-exp-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = (await res.text()).replace(/^\uFEFF/, "");
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("id,seq,created_at,merchant_id,actor_id,actor,action,target_type,target_id,before,after,hash");
    // 1,250 created events (more than one batch); the tricky first one is quoted and defused
    expect(text).toContain(`,case,'=cmd|' /c calc'!A0,,"${JSON.stringify(NOTE).replaceAll('"', '""')}",`);
    expect(text.match(/,case\.created,/g)).toHaveLength(1_250);
    expect(text).not.toContain("case.approved");
    expect(text).not.toContain("secret-case");
    const exported = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { id: "desc" } });
    expect(exported).toMatchObject({ merchantId: M, actorId: users.AUDITOR, after: { filters: { action: "case.created" } } });
    signInAs(users.ADMIN);
    expect((await get(M, "?target=c1")).status).toBe(200);
  });

  it("refuses other roles, other merchants, the signed-out and bad filters, and records nothing", async () => {
    const before = await exports();
    for (const [who, merchant, status] of [
      [users.AGENT, M, 403],
      [users.FINANCE, M, 403],
      [users.OTHER, M, 403],
      [users.AUDITOR, "m-other", 403],
      [null, M, 401],
    ] as const) {
      signInAs(who);
      const res = await get(merchant);
      expect(res.status).toBe(status);
      expect(await res.text()).not.toContain("case.created");
    }
    signInAs(users.AUDITOR);
    const bad = await get(M, "?from=yesterday");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid", message: expect.stringContaining("from: must be a date") } });
    expect(await exports()).toBe(before);
  });
});
