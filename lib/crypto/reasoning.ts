import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Reasoning logs are sensitive financial records: AES-256-GCM at rest. Format v2 names the key it
// was sealed with ("v2.<kid>.iv.tag.body"), so keys rotate: a new active key seals new records and
// the old ones stay readable while their key stays in the ring. v1 ("v1.iv.tag.body") was sealed
// with the single legacy key (REASONING_LOG_KEY) and is still read with it.

/** The keys that may open reasoning logs, and the one that seals new ones. */
export interface Keyring {
  activeKid: string;
  keys: ReadonlyMap<string, Buffer>;
  /** Opens v1 records (sealed before key ids existed). */
  legacy?: Buffer;
}

/** A bare key still works (it seals v1 and opens v1 and any v2); a keyring is the configured form. */
export type ReasoningKey = Buffer | Keyring;

export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export class ReasoningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReasoningKeyError";
  }
}

export function keyring(keys: Record<string, Buffer> | Iterable<[string, Buffer]>, activeKid: string, legacy?: Buffer): Keyring {
  const map = new Map(Symbol.iterator in keys ? (keys as Iterable<[string, Buffer]>) : Object.entries(keys));
  for (const [kid, key] of map) {
    if (!KID_PATTERN.test(kid)) throw new ReasoningKeyError(`Reasoning key id "${kid}" must be 1-32 letters, digits, _ or -`);
    if (key.length !== 32) throw new ReasoningKeyError(`Reasoning key "${kid}" must be 32 bytes`);
  }
  if (!map.has(activeKid)) throw new ReasoningKeyError(`The active reasoning key "${activeKid}" is not in the keyring`);
  if (legacy && legacy.length !== 32) throw new ReasoningKeyError("The legacy reasoning key must be 32 bytes");
  return { activeKid, keys: map, legacy };
}

/** The kid a sealed record names ("legacy" for v1), without opening it. */
export function sealedKeyId(sealed: string): string {
  const [version, kid] = sealed.split(".");
  if (version === "v1") return "legacy";
  if (version === "v2" && kid) return kid;
  throw new ReasoningKeyError("Unrecognised reasoning log format");
}

function seal(version: string[], plain: string, key: Buffer): string {
  if (key.length !== 32) throw new ReasoningKeyError("Reasoning key must be 32 bytes");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  // the header (version and kid) is authenticated too: moving a body under another kid fails
  cipher.setAAD(Buffer.from(version.join("."), "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [...version, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

function open(header: string[], iv: string, tag: string, body: string, key: Buffer, aad: boolean): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  if (aad) decipher.setAAD(Buffer.from(header.join("."), "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new ReasoningKeyError("The reasoning log does not authenticate: altered, or sealed with another key");
  }
}

export function encryptReasoning(plain: string, key: ReasoningKey): string {
  if (Buffer.isBuffer(key)) {
    if (key.length !== 32) throw new ReasoningKeyError("Reasoning key must be 32 bytes");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
  }
  return seal(["v2", key.activeKid], plain, key.keys.get(key.activeKid)!);
}

export function decryptReasoning(sealed: string, key: ReasoningKey): string {
  const parts = sealed.split(".");
  if (parts[0] === "v1" && parts.length === 4) {
    const k = Buffer.isBuffer(key) ? key : key.legacy;
    if (!k) throw new ReasoningKeyError("This reasoning log was sealed with the legacy key (v1), which is not configured (REASONING_LOG_KEY)");
    return open([], parts[1]!, parts[2]!, parts[3]!, k, false);
  }
  if (parts[0] === "v2" && parts.length === 5) {
    const kid = parts[1]!;
    const k = Buffer.isBuffer(key) ? key : key.keys.get(kid);
    if (!k) throw new ReasoningKeyError(`This reasoning log was sealed with key "${kid}", which is not in the keyring`);
    return open(["v2", kid], parts[2]!, parts[3]!, parts[4]!, k, true);
  }
  throw new ReasoningKeyError("Unrecognised reasoning log format");
}
