import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptReasoning, encryptReasoning } from "./reasoning";

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
