import { addDec } from "./decimal";
import type { NumberFormat } from "./range";
import { totalsOf, type SpendRow } from "./rows";

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
