import { fromMicro, quotientToFen, toMicro } from "./decimal";
import { addDays, daysInMonth, monthOf, toUtc } from "./range";

/**
 * Client-safe, pure: month-to-date (exact, micro-yuan), run rate and forecast (derived, rounded
 * once, half up, to the fen; compared with the budget exactly).
 */
export interface BudgetMath {
  month: string;
  today: string;
  mtdCny: string;
  /** average API cost of the 7 complete days before today, to the fen */
  runRateCny: string;
  last7Cny: string;
  /** mtd + the last 7 days × days left after today / 7, to the fen */
  forecastCny: string;
  daysLeft: number;
  budgetFen: number | null;
  /** crossed thresholds (80, 100) by month-to-date spend */
  crossed: number[];
  /** the exact forecast crosses 100% before the month ends */
  forecastOver: boolean;
}

export const RUN_RATE_DAYS = 7;
const DAYS = BigInt(RUN_RATE_DAYS);

export function runRateWindow(today: string): { from: string; to: string } {
  return { from: addDays(today, -RUN_RATE_DAYS), to: addDays(today, -1) };
}

export function budgetMath(daily: readonly { day: string; costCny: string }[], today: string, budgetFen: number | null, thresholds: readonly number[] = [80, 100]): BudgetMath {
  const month = monthOf(today);
  const win = runRateWindow(today);
  let mtd = 0n;
  let last7 = 0n;
  for (const d of daily) {
    const micro = toMicro(d.costCny);
    if (monthOf(d.day) === month && d.day <= today) mtd += micro;
    if (d.day >= win.from && d.day <= win.to) last7 += micro;
  }
  const daysLeft = daysInMonth(month) - toUtc(today).getUTCDate();
  // the forecast × 7, exact: rounded only where it is shown
  const forecast7 = mtd * DAYS + last7 * BigInt(daysLeft);
  const budgetMicro = budgetFen === null ? null : BigInt(budgetFen) * 10_000n;
  return {
    month,
    today,
    mtdCny: fromMicro(mtd),
    runRateCny: quotientToFen(last7, DAYS),
    last7Cny: fromMicro(last7),
    forecastCny: quotientToFen(forecast7, DAYS),
    daysLeft,
    budgetFen,
    crossed: budgetMicro === null ? [] : thresholds.filter((t) => mtd * 100n >= budgetMicro * BigInt(t)),
    forecastOver: budgetMicro !== null && forecast7 > budgetMicro * DAYS,
  };
}

export interface BurnPoint {
  day: string;
  /** cumulative spend to this day (null after today) */
  spent: number | null;
  spentCny: string | null;
  /** straight line from the run rate after today (null before) */
  forecast: number | null;
  forecastCny: string | null;
  /** budget left after this day's spend */
  remaining: number | null;
}

/**
 * Burn-down for the month: spend accumulates (exact), the forecast continues at the run rate (to the
 * fen, like the forecast it ends at). Chart values are numbers for drawing only; tooltips show the
 * strings alongside.
 */
export function burnDown(daily: readonly { day: string; costCny: string }[], m: BudgetMath): BurnPoint[] {
  const byDay = new Map(daily.map((d) => [d.day, toMicro(d.costCny)]));
  const last7 = toMicro(m.last7Cny);
  const budget = m.budgetFen === null ? null : BigInt(m.budgetFen) * 10_000n;
  const out: BurnPoint[] = [];
  let cum = 0n;
  const first = `${m.month}-01`;
  const n = daysInMonth(m.month);
  const todayIndex = toUtc(m.today).getUTCDate() - 1;
  for (let i = 0; i < n; i++) {
    const day = addDays(first, i);
    const past = day <= m.today;
    if (past) cum += byDay.get(day) ?? 0n;
    const forecastCny = i >= todayIndex ? quotientToFen(cum * DAYS + last7 * BigInt(i - todayIndex), DAYS) : null;
    const spent = past ? cum : null;
    out.push({
      day,
      spent: spent === null ? null : Number(fromMicro(spent)),
      spentCny: spent === null ? null : fromMicro(spent),
      forecast: forecastCny === null ? null : Number(forecastCny),
      forecastCny,
      remaining: budget === null ? null : Number(fromMicro(budget - (spent ?? (forecastCny === null ? 0n : toMicro(forecastCny))))),
    });
  }
  return out;
}
