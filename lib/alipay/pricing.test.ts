import { describe, expect, it } from "vitest";
import { applyTier, callPrice, formatMicro, listPrice, parseMicro, priceTable, refundAssessUnits, refundFee } from "./pricing";

describe("pricing", () => {
  const table = priceTable("2026-11-list");

  it("parses and formats micro-yuan exactly", () => {
    expect(parseMicro("0.02")).toBe(20_000);
    expect(parseMicro("0.000001")).toBe(1);
    expect(formatMicro(14_000)).toBe("0.014000");
    expect(formatMicro(0)).toBe("0.000000");
    expect(formatMicro(123_456_789)).toBe("123.456789");
    expect(() => parseMicro("0.0000001")).toThrow();
    expect(() => parseMicro("-1")).toThrow();
  });

  it("lists the 2026-11 prices", () => {
    expect(listPrice({ endpoint: "risk_score", crossBorder: false }, table)).toBe(20_000);
    expect(listPrice({ endpoint: "risk_score", crossBorder: true }, table)).toBe(50_000);
    expect(listPrice({ endpoint: "dispute_analyze" }, table)).toBe(50_000);
  });

  it("bills refund assessment per started thousand characters", () => {
    expect(refundAssessUnits(0)).toBe(1);
    expect(refundAssessUnits(1000)).toBe(1);
    expect(refundAssessUnits(1001)).toBe(2);
    expect(listPrice({ endpoint: "refund_assess", chars: 2500 }, table)).toBe(90_000);
  });

  it("takes 30% off for the batch tier", () => {
    expect(applyTier(20_000, "batch", table)).toBe(14_000);
    expect(formatMicro(callPrice({ endpoint: "risk_score", crossBorder: true }, "batch", table))).toBe("0.035000");
    expect(formatMicro(callPrice({ endpoint: "refund_assess", chars: 10 }, "batch", table))).toBe("0.021000");
    expect(callPrice({ endpoint: "dispute_analyze" }, "standard", table)).toBe(50_000);
  });

  it("charges 0.6% of the refunded amount, exactly", () => {
    expect(formatMicro(refundFee(10_000, table))).toBe("0.600000"); // 100.00 CNY
    expect(formatMicro(refundFee(1, table))).toBe("0.000060"); // 0.01 CNY
    expect(formatMicro(refundFee(12_345, table))).toBe("0.740700");
    expect(() => refundFee(-1, table)).toThrow();
  });

  it("refuses unknown price versions", () => {
    expect(() => priceTable("1999-01")).toThrow(/unknown price table/);
  });
});
