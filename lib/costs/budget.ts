import { randomUUID } from "node:crypto";
import { recordAudit } from "../audit/record";
import type { PrismaClient } from "../generated/prisma/client";
import { fenToMicro, fromMicro, toMicro } from "./decimal";
import { budgetMath, runRateWindow, type BudgetMath } from "./forecast";
import { dailyCost } from "./queries";
import { localDay, monthOf } from "./range";
import { BUDGET_THRESHOLDS } from "./schemas";
import { log } from "../observability/log";

type Db = PrismaClient;

export interface BudgetStatus extends BudgetMath {
  daily: { day: string; costCny: string }[];
}

/** This month's budget against month-to-date API spend (from the rollup), with the forecast. */
export async function budgetStatus(prisma: Db, merchantId: string, timeZone: string, now: Date): Promise<BudgetStatus> {
  const today = localDay(now, timeZone);
  const month = monthOf(today);
  const win = runRateWindow(today);
  const from = win.from < `${month}-01` ? win.from : `${month}-01`;
  const [budget, daily] = await Promise.all([
    prisma.costBudget.findUnique({ where: { merchantId_month: { merchantId, month } }, select: { amountFen: true } }),
    dailyCost(prisma, merchantId, { from, to: today }),
  ]);
  return { ...budgetMath(daily, today, budget?.amountFen ?? null, BUDGET_THRESHOLDS), daily };
}

export async function setBudget(prisma: Db, merchantId: string, actorId: string, input: { month: string; amount: number }) {
  return prisma.$transaction(async (tx) => {
    const before = await tx.costBudget.findUnique({ where: { merchantId_month: { merchantId, month: input.month } } });
    const after = await tx.costBudget.upsert({
      where: { merchantId_month: { merchantId, month: input.month } },
      create: { merchantId, month: input.month, amountFen: input.amount, updatedById: actorId },
      update: { amountFen: input.amount, updatedById: actorId },
    });
    await recordAudit(tx, {
      merchantId,
      actorId,
      action: "budget.updated",
      targetType: "budget",
      targetId: input.month,
      ...(before ? { before: { amountFen: before.amountFen } } : {}),
      after: { amountFen: after.amountFen },
    });
    return { month: after.month, amountFen: after.amountFen };
  });
}

export const DEFAULT_REVIEW_RATE_FEN = 6_000;

export async function costSettings(prisma: Db, merchantId: string) {
  const s = await prisma.costSettings.findUnique({ where: { merchantId } });
  return { reviewHourlyRateFen: s?.reviewHourlyRateFen ?? DEFAULT_REVIEW_RATE_FEN, webhookUrl: s?.webhookUrl ?? null };
}

export async function saveSettings(prisma: Db, merchantId: string, actorId: string, input: { reviewHourlyRate: number; webhookUrl: string | null }) {
  return prisma.$transaction(async (tx) => {
    const before = await tx.costSettings.findUnique({ where: { merchantId } });
    const data = { reviewHourlyRateFen: input.reviewHourlyRate, webhookUrl: input.webhookUrl, updatedById: actorId };
    await tx.costSettings.upsert({ where: { merchantId }, create: { merchantId, ...data }, update: data });
    await recordAudit(tx, {
      merchantId,
      actorId,
      action: "cost_settings.updated",
      targetType: "cost_settings",
      targetId: merchantId,
      ...(before ? { before: { reviewHourlyRateFen: before.reviewHourlyRateFen, webhook: before.webhookUrl !== null } } : {}),
      after: { reviewHourlyRateFen: data.reviewHourlyRateFen, webhook: data.webhookUrl !== null },
    });
    return { reviewHourlyRateFen: data.reviewHourlyRateFen, webhookUrl: data.webhookUrl };
  });
}

export interface BudgetAlertView {
  month: string;
  threshold: number;
  budgetFen: number;
  spentCny: string;
  firedAt: Date;
  webhookStatus: string | null;
}

export type WebhookPost = (url: string, body: unknown) => Promise<{ status: number }>;

const postJson: WebhookPost = async (url, body) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
    redirect: "manual",
  });
  return { status: res.status };
};

/**
 * Records each crossed threshold once per month (the unique key decides, so concurrent checks
 * cannot both fire), with an audit event in the same transaction. The webhook, if any, is sent
 * after; its result is stored on the alert and it never blocks or fails the caller.
 */
export async function checkBudgetAlerts(
  prisma: Db,
  merchantId: string,
  timeZone: string,
  now: Date,
  post: WebhookPost = postJson,
): Promise<{ status: BudgetStatus; fired: BudgetAlertView[]; deliveries: Promise<void> }> {
  const status = await budgetStatus(prisma, merchantId, timeZone, now);
  const fired: BudgetAlertView[] = [];
  if (status.budgetFen !== null) {
    for (const threshold of status.crossed) {
      const alert = await prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ firedAt: Date }[]>`
          INSERT INTO "CostBudgetAlert" (id, "merchantId", month, threshold, "budgetFen", "spentCny", "firedAt")
          VALUES (${randomUUID()}, ${merchantId}, ${status.month}, ${threshold}, ${status.budgetFen}, ${status.mtdCny}::numeric, ${now})
          ON CONFLICT ("merchantId", month, threshold) DO NOTHING
          RETURNING "firedAt"`;
        if (rows.length === 0) return null;
        await recordAudit(tx, {
          merchantId,
          actorId: null,
          action: "budget.alert_fired",
          targetType: "budget",
          targetId: status.month,
          after: { threshold, budgetFen: status.budgetFen, spentCny: status.mtdCny },
        });
        return { month: status.month, threshold, budgetFen: status.budgetFen!, spentCny: status.mtdCny, firedAt: rows[0]!.firedAt, webhookStatus: null };
      });
      if (alert) fired.push(alert);
    }
  }
  const deliveries = fired.length === 0 ? Promise.resolve() : deliver(prisma, merchantId, fired, post);
  return { status, fired, deliveries };
}

async function deliver(prisma: Db, merchantId: string, fired: BudgetAlertView[], post: WebhookPost): Promise<void> {
  try {
    const { webhookUrl } = await costSettings(prisma, merchantId);
    if (!webhookUrl) return;
    for (const a of fired) {
      let result: string;
      try {
        const res = await post(webhookUrl, {
          type: "budget.alert",
          merchantId,
          month: a.month,
          threshold: a.threshold,
          budgetCny: fromMicro(fenToMicro(a.budgetFen)),
          spentCny: a.spentCny,
          firedAt: a.firedAt.toISOString(),
        });
        result = res.status >= 200 && res.status < 300 ? `delivered (HTTP ${res.status})` : `failed (HTTP ${res.status})`;
      } catch (err) {
        result = `failed (${err instanceof Error ? err.message.slice(0, 200) : "error"})`;
      }
      await prisma.costBudgetAlert.update({
        where: { merchantId_month_threshold: { merchantId, month: a.month, threshold: a.threshold } },
        data: { webhookStatus: result, webhookAt: new Date() },
      });
    }
  } catch (err) {
    log.error("budget webhook delivery could not be recorded", { err });
  }
}

export async function alertsForMonth(prisma: Db, merchantId: string, month: string): Promise<BudgetAlertView[]> {
  const rows = await prisma.costBudgetAlert.findMany({ where: { merchantId, month }, orderBy: { threshold: "asc" } });
  return rows.map((r) => ({ month: r.month, threshold: r.threshold, budgetFen: r.budgetFen, spentCny: fromMicro(toMicro(r.spentCny.toFixed(6))), firedAt: r.firedAt, webhookStatus: r.webhookStatus }));
}
