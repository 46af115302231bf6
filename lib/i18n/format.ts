import { fenToYuan } from "../alipay/money";
import type { Locale } from "./index";

/** Fen (integer) to a CNY string for the locale, without passing through a float. */
export function formatMoney(fen: number, locale: Locale): string {
  const exact = fenToYuan(fen);
  return new Intl.NumberFormat(locale, { style: "currency", currency: "CNY" }).format(exact as Intl.StringNumericLiteral);
}

/** A decimal string in yuan (e.g. ledger costs, "0.020000") for display, exact. */
export function formatYuan(decimal: string, locale: Locale, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: "CNY", maximumFractionDigits }).format(
    decimal as Intl.StringNumericLiteral,
  );
}

export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatScore(score: number | string | null | undefined): string {
  if (score === null || score === undefined) return "—";
  return Number(score).toFixed(2);
}

export function formatCount(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(n);
}
