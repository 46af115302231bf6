import { createHash } from "node:crypto";

/**
 * The canonical text of an audit event, re-implemented from the SQL function audit_canonical
 * (migration 20261202031800_audit_chain) so a verifier does not have to trust the database's hashing:
 *
 *   jsonb_build_array(1, merchantId, seq::text, id::text, createdAt as YYYY-MM-DDTHH:MM:SS.mmmZ,
 *                     actorId, action, targetType, targetId, before, after, prevHash)::text
 *
 * that is, PostgreSQL's jsonb text output: ", " between items, ": " after keys, object keys ordered
 * by UTF-8 byte length then bytes, strings escaped only for '"', '\\' and control characters
 * (non-ASCII is written as is), numbers as PostgreSQL numeric prints them (never with an exponent).
 * hash = sha256 hex of the UTF-8 bytes of that text. SQL NULL and JSON null read alike.
 */
export const GENESIS_HASH = "0".repeat(64);
export const CANONICAL_VERSION = 1;

/** A JSON number kept as its literal text, so "1.50" stays "1.50" (jsonb keeps the scale). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type Canon = null | boolean | number | string | JsonNumber | Canon[] | { [key: string]: Canon | undefined };

export interface ChainedEvent {
  merchantId: string;
  seq: bigint | number | string;
  id: bigint | number | string;
  createdAt: Date;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: Canon | undefined;
  after: Canon | undefined;
  prevHash: string;
}

export function canonicalEvent(e: ChainedEvent): string {
  return canonicalJson([
    CANONICAL_VERSION,
    e.merchantId,
    String(e.seq),
    String(e.id),
    e.createdAt.toISOString(),
    e.actorId,
    e.action,
    e.targetType,
    e.targetId,
    e.before ?? null,
    e.after ?? null,
    e.prevHash,
  ]);
}

export function eventHash(e: ChainedEvent): string {
  return createHash("sha256").update(canonicalEvent(e), "utf8").digest("hex");
}

export function canonicalJson(value: Canon | undefined): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof JsonNumber) return value.text;
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return numberText(value);
    case "string":
      return quote(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(", ")}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  keys.sort(compareKeys);
  return `{${keys.map((k) => `${quote(k)}: ${canonicalJson(value[k])}`).join(", ")}}`;
}

function compareKeys(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length !== y.length ? x.length - y.length : Buffer.compare(x, y);
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A JS number as PostgreSQL numeric prints the JSON that JSON.stringify makes of it. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return "null";
  const s = String(n === 0 ? 0 : n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign = "", int = "", frac = "", expText = "0"] = m;
  const exp = Number(expText);
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Parses JSON text keeping numbers as their literal text (see JsonNumber). */
export function parseJsonLossless(text: string): Canon {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new Error(`Malformed JSON at ${i}`);
  };
  const value = (): Canon => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: { [k: string]: Canon } = {};
      ws();
      if (text[i] === "}") return i++, out;
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i++] !== ":") fail();
        out[key] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i++] === "}") return out;
        else fail();
      }
    }
    if (c === "[") {
      i++;
      const out: Canon[] = [];
      ws();
      if (text[i] === "]") return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i++] === "]") return out;
        else fail();
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) return (i += word.length), v;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail();
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  const str = (): string => {
    if (text[i] !== '"') fail();
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    if (j >= text.length) fail();
    const s = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return s;
  };
  const v = value();
  ws();
  if (i !== text.length) fail();
  return v;
}
