import { addDec, fromFen } from "./decimal";
import type { BudgetMath } from "./forecast";
import type { NumberFormat } from "./range";
import { totalsOf, type SpendRow } from "./rows";
import type { UnitEconomics } from "./unit";

/** Client-safe, pure: a costs view as CSV with the same sums as the screen. */
export const CSV_FIELDS = ["calls", "failedCalls", "retriedCalls", "costCny", "failedCostCny", "retriedCostCny", "feeCny", "totalCny"] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** Yuan with the ledger's precision: at least 2 places, at most 6, never rounded. */
export function formatCnyNumber(dec: string, format: NumberFormat): string {
  if (format === "plain") return dec;
  return new Intl.NumberFormat(format, { minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(dec as Intl.StringNumericLiteral);
}

export function formatCountNumber(n: number, format: NumberFormat): string {
  return format === "plain" ? String(n) : new Intl.NumberFormat(format).format(n);
}

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function line(key: string, r: Omit<SpendRow, "key">, format: NumberFormat): string {
  const cells = [
    key,
    formatCountNumber(r.calls, format),
    formatCountNumber(r.failedCalls, format),
    formatCountNumber(r.retriedCalls, format),
    formatCnyNumber(r.costCny, format),
    formatCnyNumber(r.failedCostCny, format),
    formatCnyNumber(r.retriedCostCny, format),
    formatCnyNumber(r.feeCny, format),
    formatCnyNumber(addDec(r.costCny, r.feeCny), format),
  ];
  return cells.map(csvCell).join(",") + "\r\n";
}

export interface CsvLabels {
  key: string;
  fields: Record<CsvField, string>;
  total: string;
  label?: (key: string) => string;
}

/** The lines of the file: header, one per row, then the total (the same sum the screen shows). */
export function* csvLines(rows: readonly SpendRow[], labels: CsvLabels, format: NumberFormat): Generator<string> {
  yield [labels.key, ...CSV_FIELDS.map((f) => labels.fields[f])].map(csvCell).join(",") + "\r\n";
  for (const r of rows) yield line(labels.label ? labels.label(r.key) : r.key, r, format);
  yield line(labels.total, totalsOf(rows), format);
}

export const SUMMARY_ITEMS = ["cases", "resolved", "autoResolved", "reviewed", "apiCost", "perCase", "perResolved", "perAutoResolved", "humanPerReviewed", "human", "batchSaved", "mtd", "runRate", "forecast", "budget"] as const;
export type SummaryItem = (typeof SUMMARY_ITEMS)[number];

/** A count, a CNY decimal string exactly as the screen has it (sums exact, derived amounts to the fen), or nothing. */
type SummaryValue = { count: number } | { cny: string | null };

function summaryValues(u: UnitEconomics, b: BudgetMath): Record<SummaryItem, SummaryValue> {
  return {
    cases: { count: u.cases },
    resolved: { count: u.resolved },
    autoResolved: { count: u.autoResolved },
    reviewed: { count: u.reviewed },
    apiCost: { cny: u.apiCostCny },
    perCase: { cny: u.perCaseCny },
    perResolved: { cny: u.perResolvedCny },
    perAutoResolved: { cny: u.perAutoResolvedCny },
    humanPerReviewed: { cny: u.humanPerReviewedCny },
    human: { cny: u.humanCostCny },
    batchSaved: { cny: u.batchSavedCny },
    mtd: { cny: b.mtdCny },
    runRate: { cny: b.runRateCny },
    forecast: { cny: b.forecastCny },
    budget: { cny: b.budgetFen === null ? null : fromFen(BigInt(b.budgetFen)) },
  };
}

/** The unit-economics card and the budget panel as CSV lines: the same strings the screen formats; empty where the screen shows "—". */
export function* summaryCsvLines(u: UnitEconomics, b: BudgetMath, labels: { measure: string; value: string; item: (item: SummaryItem) => string }, format: NumberFormat): Generator<string> {
  yield [labels.measure, labels.value].map(csvCell).join(",") + "\r\n";
  const values = summaryValues(u, b);
  for (const item of SUMMARY_ITEMS) {
    const v = values[item];
    const cell = "count" in v ? formatCountNumber(v.count, format) : v.cny === null ? "" : formatCnyNumber(v.cny, format);
    yield [labels.item(item), cell].map(csvCell).join(",") + "\r\n";
  }
}

/** A streamed body: UTF-8 with a BOM (so spreadsheets read Chinese headers), 200 lines a chunk. */
export function csvStream(lines: Iterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const it = lines[Symbol.iterator]();
  let first = true;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = first ? "\uFEFF" : "";
      first = false;
      for (let i = 0; i < 200; i++) {
        const next = it.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}
