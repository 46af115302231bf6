import { describe, expect, it } from "vitest";
import { fenToYuan, parseRefundRequest, yuanToFen } from "./schemas";

const validBody = () => ({
  out_trade_no: "TEA-20261201-0001",
  trade_no: "2026120122001400000001",
  paid_amount: "128.00",
  refund_amount: "88.5",
  currency: "CNY",
  reason: "茶叶包装破损",
  customer: { id: "2088000000000001", device_fingerprint: "fp-abc" },
  merchant_category: "tea",
});

describe("money", () => {
  it("converts yuan strings to fen exactly, without floats", () => {
    expect(yuanToFen("0.29")).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(yuanToFen("1.1")).toBe(110);
    expect(yuanToFen("9999999.99")).toBe(999_999_999);
    expect(yuanToFen("0")).toBe(0);
    expect(fenToYuan(8850)).toBe("88.50");
    expect(fenToYuan(7)).toBe("0.07");
    expect(() => yuanToFen("1.234")).toThrow(RangeError);
  });
});

describe("parseRefundRequest", () => {
  it("accepts a valid body, fills defaults and converts to fen", () => {
    const parsed = parseRefundRequest(validBody(), "en");
    expect(parsed).toEqual({
      success: true,
      data: {
        outTradeNo: "TEA-20261201-0001",
        tradeNo: "2026120122001400000001",
        paidAmountFen: 12_800,
        requestedAmountFen: 8_850,
        currency: "CNY",
        reasonText: "茶叶包装破损",
        customerId: "2088000000000001",
        deviceFingerprint: "fp-abc",
        merchantCategory: "tea",
        crossBorder: false,
        locale: "zh-CN",
      },
    });
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["too many decimals", { refund_amount: "1.234" }, "refund_amount", /at most 2 decimals/],
    ["a number instead of a string", { paid_amount: 128 }, "paid_amount", /string/],
    ["a negative amount", { refund_amount: "-1.00" }, "refund_amount", /yuan amount/],
    ["an exponent", { paid_amount: "1e3" }, "paid_amount", /yuan amount/],
    ["a zero refund", { refund_amount: "0.00" }, "refund_amount", /more than 0/],
    ["a refund above the paid amount", { refund_amount: "128.01" }, "refund_amount", /paid_amount/],
    ["another currency", { currency: "USD" }, "currency", /"CNY"/],
    ["an order number with spaces", { out_trade_no: "TEA 1" }, "out_trade_no", /letters, digits/],
    ["an order number too long", { out_trade_no: "A".repeat(65) }, "out_trade_no", /at most 64/],
    ["an empty reason", { reason: "   " }, "reason", /at least 1/],
    ["a reason too long", { reason: "x".repeat(501) }, "reason", /at most 500/],
    ["a missing customer id", { customer: {} }, "customer.id", /required/],
    ["a string boolean", { cross_border: "yes" }, "cross_border", /boolean/],
    ["an unknown locale", { locale: "fr" }, "locale", /one of/],
    ["an unknown field", { refund_amout: "1.00" }, "refund_amout", /not a known field/],
  ];
  for (const [what, patch, field, message] of bad) {
    it(`refuses ${what}, naming ${field}`, () => {
      const parsed = parseRefundRequest({ ...validBody(), ...patch }, "en");
      expect(parsed.success).toBe(false);
      if (parsed.success) return;
      expect(parsed.fields[field]).toMatch(message);
    });
  }

  it("names every missing field, in Chinese when asked", () => {
    const parsed = parseRefundRequest({}, "zh-CN");
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(Object.keys(parsed.fields).sort()).toEqual(
      ["currency", "customer", "merchant_category", "out_trade_no", "paid_amount", "reason", "refund_amount"].sort(),
    );
    expect(parsed.fields.paid_amount).toBe("为必填项");
  });

  it("refuses a body that is not an object", () => {
    for (const body of [null, [], "x", 1]) {
      const parsed = parseRefundRequest(body, "en");
      expect(parsed.success ? null : Object.keys(parsed.fields)).toEqual(["body"]);
    }
  });
});
