import { z } from "zod";

/** Client-safe: the date range and grouping of a costs view, in the merchant's local days. */
export const GRANULARITIES = ["day", "week", "month"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Every view the screen shows and the CSV exports. */
export const VIEWS = ["day", "week", "month", "endpoint", "workflow", "tier", "outcome", "merchant"] as const;
export type CostView = (typeof VIEWS)[number];

/** What the CSV can export: every view, and the unit-economics and budget summary. */
export const EXPORTS = [...VIEWS, "summary"] as const;
export type CostExport = (typeof EXPORTS)[number];

export const NUMBER_FORMATS = ["plain", "en", "zh-CN"] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

export interface DayRange {
  from: string;
  to: string;
}

const MAX_DAYS = 1_100;
const DAY_MS = 86_400_000;
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-01.").refine((s) => toUtc(s).toISOString().slice(0, 10) === s, "Not a calendar date.");

export const rangeInput = z
  .object({ from: isoDay, to: isoDay, granularity: z.enum(GRANULARITIES).default("day") })
  .refine((r) => r.from <= r.to, { message: "The start must not be after the end.", path: ["from"] })
  .refine((r) => daysBetween(r.from, r.to) < MAX_DAYS, { message: `At most ${MAX_DAYS} days at once.`, path: ["to"] });

export const exportInput = z.object({
  from: isoDay,
  to: isoDay,
  view: z.enum(EXPORTS).default("day"),
  format: z.enum(NUMBER_FORMATS).default("plain"),
  lang: z.enum(["en", "zh-CN"]).optional(),
}).refine((r) => r.from <= r.to && daysBetween(r.from, r.to) < MAX_DAYS, { message: "The range is not valid.", path: ["from"] });

export function toUtc(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return new Date(toUtc(day).getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

/** to − from in whole days. */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / DAY_MS);
}

/** The local calendar day of an instant in a time zone. */
export function localDay(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The last 30 local days up to today. */
export function defaultRange(now: Date, timeZone: string): DayRange {
  const today = localDay(now, timeZone);
  return { from: addDays(today, -29), to: today };
}

/** Week keys are the Monday that starts the (ISO) week, like date_trunc('week'). */
export function periodOf(day: string, g: Granularity): string {
  if (g === "day") return day;
  if (g === "month") return monthOf(day);
  const dow = (toUtc(day).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/** Every period in the range, in order, so charts show empty periods as zero. */
export function periodsIn(range: DayRange, g: Granularity): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    const p = periodOf(d, g);
    if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}
