/**
 * Exact CNY arithmetic for ledger sums: decimal strings with up to 6 places (micro-yuan), carried
 * as BigInt. Client-safe. Rounding, where a value must be rounded, is half up (away from zero), as
 * everywhere money is rounded in this project: never banker's rounding.
 */

const DEC_RE = /^(-)?(\d+)(?:\.(\d{1,6}))?$/;
export const MICRO_PER_YUAN = 1_000_000n;
export const MICRO_PER_FEN = 10_000n;

/** "12.340000" -> 12340000n. Strict: optional minus, digits, up to 6 decimals. */
export function toMicro(s: string): bigint {
  const m = DEC_RE.exec(s);
  if (!m) throw new RangeError(`not a CNY decimal: ${JSON.stringify(s)}`);
  const micro = BigInt(m[2]!) * MICRO_PER_YUAN + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] ? -micro : micro;
}

/** 12340000n -> "12.340000" (always 6 places, like Decimal(·,6)). */
export function fromMicro(micro: bigint): string {
  const sign = micro < 0n ? "-" : "";
  const abs = micro < 0n ? -micro : micro;
  return `${sign}${abs / MICRO_PER_YUAN}.${(abs % MICRO_PER_YUAN).toString().padStart(6, "0")}`;
}

export function sumDec(values: readonly string[]): string {
  return fromMicro(values.reduce((acc, v) => acc + toMicro(v), 0n));
}

export function addDec(a: string, b: string): string {
  return fromMicro(toMicro(a) + toMicro(b));
}

/** Half-up integer division (for non-negative numerators and positive divisors; sign kept otherwise). */
export function divRound(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError("divisor must be positive");
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const q = (abs * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** Micro-yuan to fen, half up: the one rounding rule when a ledger amount must become fen. */
export function microToFen(micro: bigint): bigint {
  return divRound(micro, MICRO_PER_FEN);
}

export function fenToMicro(fen: number | bigint): bigint {
  return BigInt(fen) * MICRO_PER_FEN;
}

/** 1235n -> "12.35": fen as a yuan string with 2 places. */
export function fromFen(fen: bigint): string {
  const sign = fen < 0n ? "-" : "";
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/**
 * A derived amount shown to people (a forecast, a cost per case): the exact quotient
 * numMicro / den micro-yuan, rounded once, half up, to the fen. Rounding to the micro-yuan first
 * would round twice (0.0049995 would become 0.005000, then 0.01 instead of 0.00).
 */
export function quotientToFen(numMicro: bigint, den: bigint): string {
  return fromFen(divRound(numMicro, den * MICRO_PER_FEN));
}

/** Drops trailing zeros beyond 2 places: "12.340000" -> "12.34", "0.000060" -> "0.00006". */
export function trimDec(s: string): string {
  const [whole, frac = ""] = s.split(".");
  const kept = frac.replace(/0+$/, "").padEnd(2, "0");
  return `${whole}.${kept}`;
}

/** a / b as a percentage with one decimal, half up; null when b is zero. */
export function percent(a: bigint, b: bigint): string | null {
  if (b === 0n) return null;
  const tenths = divRound(a * 1000n, b);
  return `${tenths / 10n}.${(tenths < 0n ? -tenths : tenths) % 10n}`;
}
