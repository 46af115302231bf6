import { describe, expect, it } from "vitest";
import { findNul } from "./input-text";

describe("findNul", () => {
  it("names the first field whose text holds a NUL character, however deep", () => {
    expect(findNul({ alertId: "\u0000" })).toBe("alertId");
    expect(findNul({ a: { b: ["ok", "x\u0000y"] } })).toBe("a.b.1");
    expect(findNul("\u0000")).toBe("input");
    expect(findNul({ ["k\u0000"]: 1 })).toBe("(key)");
  });

  it("passes everything else, including other control characters and non-strings", () => {
    expect(findNul({ a: "tab\tnew\nline", b: 1, c: null, d: [true, { e: "未收到货" }] })).toBeNull();
    expect(findNul(undefined)).toBeNull();
  });
});
