import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../demo/seed";
import { createTestDb, type TestDb } from "../testing/db";
import { acknowledgeDriftAlert, detectDriftAlerts, openDriftAlerts } from "./alerts";
import { loadInsights } from "./queries";
import { rollupDifferences } from "./rollups";
import { addDays, shanghaiDay } from "./series";

describe("insights on the seeded demo", () => {
  let t: TestDb;
  const now = new Date("2026-11-20T08:00:00Z");
  const today = shanghaiDay(now);
  beforeAll(async () => {
    t = await createTestDb();
    await seedDemo(t.prisma, { reasoningKey: randomBytes(32), now });
  }, 900_000);
  afterAll(() => t.dispose());

  it("keeps the rollups equal to the raw rows through the seed's bulk inserts", async () => {
    expect(await rollupDifferences(t.prisma)).toEqual({ decisions: 0, outcomes: 0 });
  });

  it("shows the late model shift as drift: PSI above 0.25 in the last two weeks, stable before", async () => {
    const { view } = await loadInsights(t.prisma, "m-teahouse", { now, days: 14 });
    const psiOn = (from: string, to: string) => view.drift.filter((d) => d.day >= from && d.day <= to && d.score.psi !== null).map((d) => d.score.psi!);
    const late = psiOn(addDays(today, -12), today);
    const early = psiOn(addDays(today, -45), addDays(today, -16));
    expect(late.length).toBeGreaterThan(8);
    expect(Math.min(...late)).toBeGreaterThan(0.25);
    expect(early.length).toBeGreaterThan(10);
    expect(early.filter((v) => v > 0.25).length / early.length).toBeLessThan(0.2);
    // The window's histogram sits to the right of the reference's; KS beside PSI.
    const mean = (key: "window" | "reference") => view.histograms.score.reduce((s, b) => s + b[key] * (b.from + 0.025), 0);
    expect(mean("window") - mean("reference")).toBeGreaterThan(0.04);
    expect(view.drift.at(-2)!.score.ks!).toBeGreaterThan(0.2);
    expect(view.markers.some((m) => m.kind === "model" && m.label === "risk-2026.11")).toBe(true);
  });

  it("computes overrules, false positives and disputed approvals from the seed's decisions", async () => {
    const { view, agents } = await loadInsights(t.prisma, "m-teahouse", { now, days: 90 });
    const o = view.overrules;
    expect(o.total.decided).toBeGreaterThan(20);
    expect(o.total.overruled).toBeGreaterThan(0);
    expect(o.byAgent.every((a) => a.key in agents)).toBe(true);
    expect(o.falsePositives.approved).toBeGreaterThan(0);
    expect(o.disputedApprovals.disputed).toBeGreaterThan(0);
    expect(o.disputedApprovals.share!).toBeLessThan(0.2);
  });

  it("filters: a category sees only its own decisions", async () => {
    const all = await loadInsights(t.prisma, "m-teahouse", { now, days: 30 });
    const tea = await loadInsights(t.prisma, "m-teahouse", { now, days: 30, filters: { category: "tea" } });
    const none = await loadInsights(t.prisma, "m-teahouse", { now, days: 30, filters: { category: "electronics" } });
    expect(tea.view.totals.window).toBeGreaterThan(0);
    expect(tea.view.totals.window).toBeLessThan(all.view.totals.window);
    expect(none.view.totals.window).toBe(0);
    expect(all.options.categories).toEqual(["gift_box", "tea", "teaware"]);
    expect(all.options.modelVersions).toEqual(["risk-2026.09", "risk-2026.11"]);
  });

  it("records the drift once, with an audit event, and an admin acknowledges it once", async () => {
    const first = await detectDriftAlerts(t.prisma, "m-teahouse", now);
    const psi = first.filter((a) => a.kind === "PSI_SCORE");
    expect(psi.length).toBeGreaterThan(0);
    expect(psi.some((a) => a.day >= addDays(today, -14))).toBe(true);
    expect(await detectDriftAlerts(t.prisma, "m-teahouse", now)).toEqual([]);
    expect(await t.prisma.auditEvent.count({ where: { merchantId: "m-teahouse", action: "insights.drift_detected" } })).toBe(first.length);
    const open = await openDriftAlerts(t.prisma, "m-teahouse");
    expect(open.total).toBe(first.length);

    const id = psi[0]!.id;
    await expect(acknowledgeDriftAlert(t.prisma, "m-gadgets", "u-x", id)).rejects.toMatchObject({ kind: "not_found" });
    await acknowledgeDriftAlert(t.prisma, "m-teahouse", "u-x", id);
    await expect(acknowledgeDriftAlert(t.prisma, "m-teahouse", "u-x", id)).rejects.toMatchObject({ kind: "conflict" });
    expect((await openDriftAlerts(t.prisma, "m-teahouse")).total).toBe(first.length - 1);
    expect(await t.prisma.auditEvent.count({ where: { action: "insights.drift_acknowledged", targetId: id } })).toBe(1);
  });
});
