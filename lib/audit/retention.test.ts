import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptReasoning, keyring } from "../crypto/reasoning";
import { AppError } from "../errors";
import { readReasoning } from "../review/reasoning";
import { createTestDb, type TestDb } from "../testing/db";
import { purgeReasoningLogs, retentionCutoff } from "./retention";
import { verifyMerchantChain } from "./verify";

const M = "m-ret";
const NOW = new Date("2026-12-02T00:00:00Z");
const DAY = 86_400_000;

describe("reasoning logs: audited reads and a three-year retention", () => {
  let t: TestDb;
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  let n = 0;
  async function decision(createdAt: Date, plain: string, sealWith = keyring({ k1 }, "k1")) {
    const id = `case-${++n}`;
    await t.prisma.case.create({
      data: { id, merchantId: M, kind: "REFUND", outTradeNo: `T${n}`, outRequestNo: `R${n}`, paidAmountFen: 1_000, requestedAmountFen: 1_000, reasonText: "x", customerId: "c", merchantCategory: "tea", createdAt },
    });
    await t.prisma.aiDecision.create({
      data: { merchantId: M, caseId: id, endpoint: "risk", conversationId: `cv${n}`, policyVersion: 1, route: "REVIEW", reasoningLogEnc: encryptReasoning(plain, sealWith), createdAt },
    });
    return id;
  }
  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.merchant.create({ data: { id: M, name: "Retention Co" } });
  });
  afterAll(() => t.dispose());

  it("decrypts across a key rotation and records every read, naming the key", async () => {
    const old = await decision(new Date(NOW.getTime() - 10 * DAY), "PROMPT old 用户", keyring({ k1 }, "k1"));
    const fresh = await decision(NOW, "PROMPT new", keyring({ k1, k2 }, "k2"));
    const ring = keyring({ k1, k2 }, "k2");
    expect(await readReasoning(t.prisma, ring, M, old, "auditor-1")).toBe("PROMPT old 用户");
    expect(await readReasoning(t.prisma, ring, M, fresh, "auditor-1")).toBe("PROMPT new");
    const reads = await t.prisma.auditEvent.findMany({ where: { merchantId: M, action: "reasoning.read" }, orderBy: { id: "asc" } });
    expect(reads.map((r) => [r.actorId, r.targetId, (r.after as { keyId: string }).keyId])).toEqual([
      ["auditor-1", old, "k1"],
      ["auditor-1", fresh, "k2"],
    ]);
    // another merchant's id, or a key that cannot open it: no text, and no read recorded
    await expect(readReasoning(t.prisma, ring, "m-other", old, "auditor-1")).rejects.toThrow(AppError);
    await expect(readReasoning(t.prisma, keyring({ k2 }, "k2"), M, old, "auditor-1")).rejects.toThrow(/"k1"/);
    expect(await t.prisma.auditEvent.count({ where: { action: "reasoning.read" } })).toBe(2);
  });

  it("refuses a purge younger than three years and changes nothing", async () => {
    const fourYears = await decision(new Date(NOW.getTime() - 4 * 365 * DAY), "ancient");
    const sealedBefore = await t.prisma.aiDecision.findMany({ orderBy: { id: "asc" } });
    const eventsBefore = await t.prisma.auditEvent.count();
    const justInside = new Date(retentionCutoff(NOW).getTime() + 1);
    for (const before of [NOW, new Date(NOW.getTime() - 2 * 365 * DAY), justInside]) {
      const err = await purgeReasoningLogs(t.prisma, { merchantId: M, actorId: "admin-1", before, now: NOW }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toMatch(/kept at least 3 years: a purge may only cover decisions made before 2023-12-02T00:00:00.000Z/);
    }
    expect(await t.prisma.aiDecision.findMany({ orderBy: { id: "asc" } })).toEqual(sealedBefore);
    expect(await t.prisma.auditEvent.count()).toBe(eventsBefore);

    const result = await purgeReasoningLogs(t.prisma, { merchantId: M, actorId: "admin-1", before: retentionCutoff(NOW), now: NOW });
    expect(result).toEqual({ purged: 1 });
    const after = await t.prisma.aiDecision.findMany({ where: { merchantId: M }, orderBy: { createdAt: "asc" } });
    expect(after.map((d) => d.reasoningLogEnc === null)).toEqual([true, false, false]);
    expect(after[0]!.caseId).toBe(fourYears);
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "reasoning.purged" } });
    expect(audit).toMatchObject({ actorId: "admin-1", targetId: M, after: { before: "2023-12-02T00:00:00.000Z", purged: 1, retentionYears: 3 } });
    await expect(readReasoning(t.prisma, keyring({ k1 }, "k1"), M, fourYears, "auditor-1")).rejects.toThrow(/no reasoning log/);
    expect((await verifyMerchantChain(t.prisma, M)).broken).toBeNull();
  });
});
