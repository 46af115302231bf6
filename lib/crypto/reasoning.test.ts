import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptReasoning, encryptReasoning, keyring, ReasoningKeyError, sealedKeyId } from "./reasoning";

describe("reasoning log encryption", () => {
  const key = randomBytes(32);
  it("round-trips and never stores the plain text", () => {
    const sealed = encryptReasoning("prompt: 用户说没收到货 → score 0.41", key);
    expect(sealed).not.toContain("prompt");
    expect(decryptReasoning(sealed, key)).toBe("prompt: 用户说没收到货 → score 0.41");
  });
  it("detects tampering and the wrong key", () => {
    const sealed = encryptReasoning("secret", key);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("SECRET").toString("base64");
    expect(() => decryptReasoning(parts.join("."), key)).toThrow();
    expect(() => decryptReasoning(sealed, randomBytes(32))).toThrow();
  });
});

describe("keyring (v2, a key id per record)", () => {
  const legacy = randomBytes(32);
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it("seals with the active key and names it", () => {
    const ring = keyring({ k1 }, "k1");
    const sealed = encryptReasoning("PROMPT: 退款 ¥88.50", ring);
    expect(sealed.startsWith("v2.k1.")).toBe(true);
    expect(sealedKeyId(sealed)).toBe("k1");
    expect(sealed).not.toContain("PROMPT");
    expect(decryptReasoning(sealed, ring)).toBe("PROMPT: 退款 ¥88.50");
  });

  it("rotates: after a new active key, old records (v2 and legacy v1) still open, new ones use the new key", () => {
    const v1 = encryptReasoning("sealed before key ids", legacy);
    const before = encryptReasoning("sealed under k1", keyring({ k1 }, "k1"));
    const rotated = keyring({ k1, k2 }, "k2", legacy);
    const after = encryptReasoning("sealed under k2", rotated);
    expect(sealedKeyId(after)).toBe("k2");
    expect(sealedKeyId(v1)).toBe("legacy");
    expect([v1, before, after].map((s) => decryptReasoning(s, rotated))).toEqual(["sealed before key ids", "sealed under k1", "sealed under k2"]);
    // once k1 is retired from the ring its records no longer open, with a message naming the key
    expect(() => decryptReasoning(before, keyring({ k2 }, "k2"))).toThrow(/key "k1", which is not in the keyring/);
    expect(() => decryptReasoning(v1, keyring({ k2 }, "k2"))).toThrow(/legacy key/);
  });

  it("refuses a wrong key id, a relabelled kid, and an altered body, tag or iv", () => {
    const ring = keyring({ k1, k2 }, "k1");
    const sealed = encryptReasoning("secret", ring);
    const parts = sealed.split(".");
    expect(() => decryptReasoning(["v2", "nope", ...parts.slice(2)].join("."), ring)).toThrow(/"nope"/);
    // the same ciphertext moved under another kid (even one whose key is in the ring) fails
    const bothSame = keyring({ k1, k2: k1 }, "k1");
    expect(() => decryptReasoning(["v2", "k2", ...parts.slice(2)].join("."), bothSame)).toThrow(ReasoningKeyError);
    for (const i of [2, 3, 4]) {
      const bad = [...parts];
      const bytes = Buffer.from(bad[i]!, "base64");
      bytes[0] = bytes[0]! ^ 1;
      bad[i] = bytes.toString("base64");
      expect(() => decryptReasoning(bad.join("."), ring)).toThrow(/does not authenticate/);
    }
    expect(() => decryptReasoning("v3.k1.a.b.c", ring)).toThrow(/Unrecognised/);
  });

  it("validates the ring", () => {
    expect(() => keyring({ k1 }, "k2")).toThrow(/not in the keyring/);
    expect(() => keyring({ "bad kid": k1 }, "bad kid")).toThrow(/letters, digits/);
    expect(() => keyring({ k1: randomBytes(16) }, "k1")).toThrow(/32 bytes/);
  });
});
