import { recordAudit } from "../audit/record";
import { AppError, notFound } from "../errors";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { loadAggregates } from "./queries";
import { buildInsights, shanghaiDay, type AlertCondition } from "./series";

export interface RecordedAlert {
  id: string;
  kind: AlertCondition["kind"];
  day: string;
  value: string;
}

/**
 * Records each condition once: the unique (merchantId, kind, day) makes a second detection of the
 * same run a no-op, also when two page loads race. A new alert writes "insights.drift_detected".
 */
export async function recordDriftAlerts(prisma: PrismaClient, merchantId: string, conditions: AlertCondition[]): Promise<RecordedAlert[]> {
  if (conditions.length === 0) return [];
  const existing = await prisma.driftAlert.findMany({
    where: { merchantId, OR: conditions.map((c) => ({ kind: c.kind, day: new Date(`${c.day}T00:00:00Z`) })) },
    select: { kind: true, day: true },
  });
  const seen = new Set(existing.map((e) => `${e.kind}/${e.day.toISOString().slice(0, 10)}`));
  const created: RecordedAlert[] = [];
  for (const c of conditions) {
    if (seen.has(`${c.kind}/${c.day}`)) continue;
    try {
      const row = await prisma.$transaction(async (tx) => {
        const a = await tx.driftAlert.create({ data: { merchantId, kind: c.kind, day: new Date(`${c.day}T00:00:00Z`), value: c.value.toFixed(6) } });
        await recordAudit(tx, { merchantId, actorId: null, action: "insights.drift_detected", targetType: "drift_alert", targetId: a.id, after: { kind: c.kind, day: c.day, value: a.value.toString() } });
        return a;
      });
      created.push({ id: row.id, kind: c.kind, day: c.day, value: row.value.toString() });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") continue;
      throw err;
    }
  }
  return created;
}

/** Detection for a job or the page: merchant-wide (no filters), 90 days. Returns the alerts it created. */
export async function detectDriftAlerts(prisma: PrismaClient, merchantId: string, now: Date = new Date()): Promise<RecordedAlert[]> {
  const today = shanghaiDay(now);
  const view = buildInsights(today, 14, await loadAggregates(prisma, merchantId, today, 14, {}));
  return recordDriftAlerts(prisma, merchantId, view.conditions);
}

export async function openDriftAlerts(prisma: PrismaClient, merchantId: string, take = 10) {
  const [rows, total] = await Promise.all([
    prisma.driftAlert.findMany({ where: { merchantId, status: "OPEN" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take }),
    prisma.driftAlert.count({ where: { merchantId, status: "OPEN" } }),
  ]);
  return { total, rows: rows.map((r) => ({ id: r.id, kind: r.kind as AlertCondition["kind"], day: r.day.toISOString().slice(0, 10), value: r.value.toString(), createdAt: r.createdAt.toISOString() })) };
}

/** An admin has seen the alert: it leaves the banner; the change is audited. */
export async function acknowledgeDriftAlert(prisma: PrismaClient, merchantId: string, actorId: string, alertId: string, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const alert = await tx.driftAlert.findFirst({ where: { id: alertId, merchantId } });
    if (!alert) throw notFound("No such alert.");
    if (alert.status !== "OPEN") throw new AppError("conflict", "This alert was already acknowledged.");
    const moved = await tx.driftAlert.updateMany({ where: { id: alertId, merchantId, status: "OPEN" }, data: { status: "ACKNOWLEDGED", acknowledgedById: actorId, acknowledgedAt: now } });
    if (moved.count !== 1) throw new AppError("conflict", "This alert was already acknowledged.");
    await recordAudit(tx, { merchantId, actorId, action: "insights.drift_acknowledged", targetType: "drift_alert", targetId: alertId, before: { status: "OPEN" }, after: { status: "ACKNOWLEDGED" } });
    return { id: alertId };
  });
}
