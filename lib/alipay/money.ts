/** Money is integer fen (0.01 CNY) in code and a yuan string on the wire; never a float. */

const YUAN_RE = /^\d+(\.\d{1,2})?$/;

function assertSafeInt(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
}

/** 1230 -> "12.30"; negative amounts keep their sign. */
export function fenToYuan(fen: number): string {
  assertSafeInt(fen, "fen");
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents.toString().padStart(2, "0")}`;
}

/** "12.3" -> 1230. Strict: digits, optional 1-2 decimals; no sign, exponent, spaces. */
export function yuanToFen(s: string): number {
  if (typeof s !== "string" || !YUAN_RE.test(s)) throw new RangeError(`not a yuan amount: ${JSON.stringify(s)}`);
  const [whole, frac = ""] = s.split(".") as [string, string?];
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  assertSafeInt(fen, "amount in fen");
  return fen;
}

export function isYuan(s: string): boolean {
  return YUAN_RE.test(s);
}
