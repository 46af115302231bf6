import { divRound, fromMicro, toMicro } from "./decimal";
import { addDays, daysInMonth, monthOf, toUtc } from "./range";

/** Client-safe, pure: month-to-date, run rate and forecast, in exact micro-yuan. */
export interface BudgetMath {
  month: string;
  today: string;
  mtdCny: string;
  /** average API cost of the 7 complete days before today */
  runRateCny: string;
  last7Cny: string;
  /** mtd + run rate × days left after today (half up to the micro-yuan) */
  forecastCny: string;
  daysLeft: number;
  budgetFen: number | null;
  /** crossed thresholds (80, 100) by month-to-date spend */
  crossed: number[];
  /** forecast crosses 100% before the month ends */
  forecastOver: boolean;
}

export const RUN_RATE_DAYS = 7;

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
  const forecast = mtd + divRound(last7 * BigInt(daysLeft), BigInt(RUN_RATE_DAYS));
  const budgetMicro = budgetFen === null ? null : BigInt(budgetFen) * 10_000n;
  return {
    month,
    today,
    mtdCny: fromMicro(mtd),
    runRateCny: fromMicro(divRound(last7, BigInt(RUN_RATE_DAYS))),
    last7Cny: fromMicro(last7),
    forecastCny: fromMicro(forecast),
    daysLeft,
    budgetFen,
    crossed: budgetMicro === null ? [] : thresholds.filter((t) => mtd * 100n >= budgetMicro * BigInt(t)),
    forecastOver: budgetMicro !== null && forecast > budgetMicro,
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
 * Burn-down for the month: spend accumulates, the forecast continues at the run rate. Chart
 * values are numbers for drawing only; tooltips show the exact strings alongside.
 */
export function burnDown(daily: readonly { day: string; costCny: string }[], m: BudgetMath): BurnPoint[] {
  const byDay = new Map(daily.map((d) => [d.day, toMicro(d.costCny)]));
  const last7 = toMicro(m.last7Cny);
  const budget = m.budgetFen === null ? null : BigInt(m.budgetFen) * 10_000n;
  const out: BurnPoint[] = [];
  let cum = 0n;
  const first = `${m.month}-01`;
  const n = daysInMonth(m.month);
  for (let i = 0; i < n; i++) {
    const day = addDays(first, i);
    const past = day <= m.today;
    if (past) cum += byDay.get(day) ?? 0n;
    const fc = day === m.today ? cum : day > m.today ? cum + divRound(last7 * BigInt(i + 1 - toUtc(m.today).getUTCDate()), BigInt(RUN_RATE_DAYS)) : null;
    const spent = past ? cum : null;
    out.push({
      day,
      spent: spent === null ? null : Number(fromMicro(spent)),
      spentCny: spent === null ? null : fromMicro(spent),
      forecast: fc === null ? null : Number(fromMicro(fc)),
      forecastCny: fc === null ? null : fromMicro(fc),
      remaining: budget === null ? null : Number(fromMicro(budget - (spent ?? fc ?? 0n))),
    });
  }
  return out;
}
