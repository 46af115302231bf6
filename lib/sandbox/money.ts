/** Amounts are integer fen inside the sandbox and yuan strings on the wire; fees are micro-yuan. */

const YUAN_RE = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;
export const MICRO_PER_FEN = 10_000;

/** "12.3" -> 1230; null for anything that is not a plain non-negative yuan amount. */
export function parseYuan(text: string): number | null {
  const m = YUAN_RE.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? ".").slice(1).padEnd(2, "0");
  return Number(m[1]) * 100 + Number(frac);
}

/** 1230 -> "12.30" */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`bad fen amount ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

/** 20000 -> "0.02", 14000 -> "0.014": two decimals at least, more only when a batch discount needs them. */
export function formatFee(micro: number): string {
  if (!Number.isSafeInteger(micro) || micro < 0) throw new RangeError(`bad fee ${micro}`);
  const whole = Math.floor(micro / 1_000_000);
  const frac = String(micro % 1_000_000).padStart(6, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${whole}.${frac}`;
}

/** Alipay's classic timestamp: yyyy-MM-dd HH:mm:ss in GMT+8. */
export function formatAlipayTime(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Inverse of formatAlipayTime; null when malformed. */
export function parseAlipayTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3_600_000;
  return Number.isNaN(ms) ? null : ms;
}
