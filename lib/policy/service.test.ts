import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { DEFAULT_THRESHOLDS } from "./route";
import { diffPolicies, policyInput, toCandidate, toInput } from "./schemas";
import { listVersions, reviewPolicy, rollbackPolicy, savePolicy, setFourEyes } from "./service";
import { currentThresholds } from "./store";

const M = "m-policy";

describe("threshold policies", () => {
  let t: TestDb;
  let ann: string;
  let ben: string;
  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.merchant.create({ data: { id: M, name: "Policy Co" } });
    ann = (await t.prisma.user.create({ data: { email: "ann@x.test", name: "Ann", passwordHash: "x" } })).id;
    ben = (await t.prisma.user.create({ data: { email: "ben@x.test", name: "Ben", passwordHash: "x" } })).id;
  });
  afterAll(() => t.dispose());

  const values = (over: Record<string, unknown> = {}) => policyInput.parse({ ...toInput(DEFAULT_THRESHOLDS), ...over });

  it("validates with messages that say what is wrong", () => {
    const bad = policyInput.safeParse({ ...toInput(DEFAULT_THRESHOLDS), autoApproveBelow: "0.8", autoRejectAtOrAbove: "0.7" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toContain("0 ≤ X < Y ≤ 1");
    expect(policyInput.safeParse({ ...toInput(DEFAULT_THRESHOLDS), confidenceFloor: "1.5" }).error!.issues[0]!.message).toContain("from 0 to 1");
    expect(policyInput.safeParse({ ...toInput(DEFAULT_THRESHOLDS), hitlLimit: "12.345" }).error!.issues[0]!.message).toContain("at most 2 decimals");
    expect(policyInput.safeParse({ ...toInput(DEFAULT_THRESHOLDS), hitlLimit: "0" }).success).toBe(false);
    expect(toCandidate(values({ hitlLimit: "199.99" })).hitlLimitFen).toBe(19_999);
  });

  it("saves versions, records the change in the audit log, and the newest is in force", async () => {
    await savePolicy(t.prisma, M, ann, values({ note: "defaults" }));
    await savePolicy(t.prisma, M, ann, values({ confidenceFloor: "0.8", overrides: [{ category: "tea", hitlLimit: "100" }] }));
    const current = await currentThresholds(t.prisma, M);
    expect(current).toMatchObject({ version: 2, confidenceFloor: 0.8, overrides: { tea: { hitlLimitFen: 10_000 } } });
    const audit = await t.prisma.auditEvent.findMany({ where: { merchantId: M, targetType: "policy" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["policy.updated", "policy.updated"]);
    expect((audit[1]!.before as { confidenceFloor: number }).confidenceFloor).toBe(0.75);
    expect((audit[1]!.after as { confidenceFloor: number }).confidenceFloor).toBe(0.8);
  });

  it("shows a readable diff between two versions", async () => {
    const [v2, v1] = await listVersions(t.prisma, M);
    expect(diffPolicies(v1!.thresholds, v2!.thresholds)).toEqual([
      { field: "confidenceFloor", from: "0.75", to: "0.8" },
      { field: "tea.hitlLimit", from: "—", to: "100.00 CNY" },
    ]);
  });

  it("with four-eyes, a change waits for a second admin, who cannot be the proposer", async () => {
    await setFourEyes(t.prisma, M, ann, true);
    await savePolicy(t.prisma, M, ann, values({ confidenceFloor: "0.9" }));
    expect((await currentThresholds(t.prisma, M)).version).toBe(2);
    await expect(reviewPolicy(t.prisma, M, ann, 3, true)).rejects.toThrow(/second admin/);
    await reviewPolicy(t.prisma, M, ben, 3, true);
    expect(await currentThresholds(t.prisma, M)).toMatchObject({ version: 3, confidenceFloor: 0.9 });
    await expect(reviewPolicy(t.prisma, M, ben, 3, true)).rejects.toThrow(/not waiting/);
    const approved = await t.prisma.auditEvent.findFirstOrThrow({ where: { merchantId: M, action: "policy.approved" } });
    expect(approved.actorId).toBe(ben);
  });

  it("rolls back as a new version (approved like any change) and a rejected proposal never takes effect", async () => {
    await rollbackPolicy(t.prisma, M, ann, 1);
    await reviewPolicy(t.prisma, M, ben, 4, true);
    expect(await currentThresholds(t.prisma, M)).toMatchObject({ version: 4, confidenceFloor: 0.75, overrides: {} });
    await savePolicy(t.prisma, M, ben, values({ autoApproveBelow: "0.5", autoRejectAtOrAbove: "0.9" }));
    await reviewPolicy(t.prisma, M, ann, 5, false);
    expect((await currentThresholds(t.prisma, M)).version).toBe(4);
    const versions = await listVersions(t.prisma, M);
    expect(versions.map((v) => [v.version, v.status, v.inForce])).toEqual([
      [5, "REJECTED", false],
      [4, "ACTIVE", true],
      [3, "ACTIVE", false],
      [2, "ACTIVE", false],
      [1, "ACTIVE", false],
    ]);
    expect(versions[1]!.rollbackOf).toBe(1);
    const actions = (await t.prisma.auditEvent.findMany({ where: { merchantId: M }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["policy.updated", "policy.updated", "policy.four_eyes_changed", "policy.proposed", "policy.approved", "policy.rolled_back", "policy.approved", "policy.proposed", "policy.rejected"]);
  });
});
