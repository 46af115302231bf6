import { describe, expect, it } from "vitest";
import { applyTier, batchSaving, callPrice, checkPriceTable, CURRENT_PRICE_VERSION, formatMicro, listPrice, parseMicro, PRICE_TABLES, priceTable, priceTableAt, refundAssessUnits, refundFee, volumeDiscountPercent } from "./pricing";

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

describe("versioned price tables", () => {
  const base = priceTable("2026-11-list");
  const tables = {
    [base.version]: base,
    "2027-01-list": { ...base, version: "2027-01-list", effectiveFrom: "2027-01-01", riskScore: 18_000, volumeTiers: [{ fromCalls: 0, discountPercent: 0 }, { fromCalls: 100_000, discountPercent: 10 }, { fromCalls: 1_000_000, discountPercent: 20 }] },
  };

  it("picks the version in force on a day, and the first before it", () => {
    expect(priceTableAt(new Date("2026-12-31T23:59:59Z"), tables).version).toBe("2026-11-list");
    expect(priceTableAt(new Date("2027-01-01T00:00:00Z"), tables).version).toBe("2027-01-list");
    expect(priceTableAt(new Date("2026-10-31T00:00:00Z"), tables).version).toBe("2026-11-list");
    expect(() => priceTableAt(new Date(), {})).toThrow(/no price tables/);
    expect(priceTableAt(new Date("2026-12-02T00:00:00Z")).version).toBe(CURRENT_PRICE_VERSION);
  });

  it("applies the announced volume tiers by calls already made this month", () => {
    const t = tables["2027-01-list"];
    expect(volumeDiscountPercent(0, t)).toBe(0);
    expect(volumeDiscountPercent(99_999, t)).toBe(0);
    expect(volumeDiscountPercent(100_000, t)).toBe(10);
    expect(volumeDiscountPercent(5_000_000, t)).toBe(20);
    expect(volumeDiscountPercent(5_000_000, base)).toBe(0);
  });

  it("says what the batch tier saved: list minus batch, exact", () => {
    // 0.014 paid in batch was 0.020 at list: 0.006 saved
    expect(batchSaving(14_000n, base)).toBe(6_000n);
    expect(batchSaving(0n, base)).toBe(0n);
    expect(batchSaving(70n * 10n ** 12n, base)).toBe(30n * 10n ** 12n);
    expect(batchSaving(14_000n, { ...base, batchDiscountPercent: 0 })).toBe(0n);
  });

  it("refuses a price table it could not bill or report exactly (a free batch tier has no saving to derive)", () => {
    for (const t of Object.values(PRICE_TABLES)) expect(checkPriceTable(t)).toBe(t);
    expect(() => batchSaving(14_000n, { ...base, batchDiscountPercent: 100 })).toThrow(/batchDiscountPercent must be an integer from 0 to 99/);
    expect(() => checkPriceTable({ ...base, batchDiscountPercent: 12.5 })).toThrow(/batchDiscountPercent/);
    expect(() => checkPriceTable({ ...base, refundFeeBasisPoints: 0.6 })).toThrow(/refundFeeBasisPoints/);
    expect(() => checkPriceTable({ ...base, riskScore: 0.02 })).toThrow(/safe integer/);
    expect(() => checkPriceTable({ ...base, disputeAnalyze: -1 })).toThrow(/must not be negative/);
    expect(() => checkPriceTable({ ...base, volumeTiers: [{ fromCalls: 0, discountPercent: 0 }, { fromCalls: 1.5, discountPercent: 5 }] })).toThrow(/volumeTiers/);
    expect(() => checkPriceTable({ ...base, effectiveFrom: "1 Nov" })).toThrow(/effectiveFrom/);
    expect(() => checkPriceTable({ ...base, volumeTiers: [{ fromCalls: 10, discountPercent: 0 }] })).toThrow(/volumeTiers/);
    expect(() => checkPriceTable({ ...base, volumeTiers: [{ fromCalls: 0, discountPercent: 0 }, { fromCalls: 0, discountPercent: 5 }] })).toThrow(/volumeTiers/);
  });
});
