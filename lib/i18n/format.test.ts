import { describe, expect, it } from "vitest";
import { formatDateTime, formatMoney } from "./format";
import { MESSAGES, translator } from "./index";

describe("formatMoney", () => {
  it("formats fen exactly in both languages", () => {
    expect(formatMoney(12345, "en")).toBe("CN¥123.45");
    expect(formatMoney(12345, "zh-CN")).toBe("¥123.45");
    expect(formatMoney(5, "en")).toBe("CN¥0.05");
    expect(formatMoney(-250, "en")).toBe("-CN¥2.50");
    expect(formatMoney(900719925474099, "en")).toBe("CN¥9,007,199,254,740.99");
  });
  it("refuses a float", () => {
    expect(() => formatMoney(1.5, "en")).toThrow(RangeError);
  });
});

describe("formatDateTime", () => {
  it("shows times in the merchant's zone", () => {
    const d = new Date("2026-01-01T20:30:00Z");
    expect(formatDateTime(d, "en", "Asia/Shanghai")).toContain("Jan 2, 2026");
    expect(formatDateTime(d, "en", "UTC")).toContain("Jan 1, 2026");
  });
});

describe("messages", () => {
  const leaves = (o: object, p = ""): string[] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? [`${p}${k}`] : leaves(v, `${p}${k}.`)));
  it("Chinese is complete and differs from English", () => {
    expect(leaves(MESSAGES["zh-CN"])).toEqual(leaves(MESSAGES.en));
    for (const key of leaves(MESSAGES.en)) {
      const t = translator("zh-CN");
      expect(t(key as never), key).not.toBe("");
    }
  });
  it("interpolates variables", () => {
    expect(translator("en")("cases.showing", { from: 1, to: 50, total: 120 })).toBe("1–50 of 120");
  });
});
