import { describe, expect, it } from "vitest";
import { findNul, urlHasNul } from "./input-text";

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

describe("urlHasNul", () => {
  it("finds an encoded NUL in the path or the query, in either case of hex", () => {
    expect(urlHasNul("http://h/m/m-a/audit?actor=%00")).toBe(true);
    expect(urlHasNul("http://h/api/m/m-a/queue?category=a%00b")).toBe(true);
    expect(urlHasNul("http://h/m/m-a/cases/c%00")).toBe(true);
  });

  it("does not mistake an encoded percent sign followed by zeros", () => {
    expect(urlHasNul("http://h/m/m-a/cases?q=%2500&amount=100")).toBe(false);
    expect(urlHasNul("http://h/m/m-a/review?lane=failed")).toBe(false);
  });
});
