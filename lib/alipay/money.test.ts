import { describe, expect, it } from "vitest";
import { fenToYuan, yuanToFen } from "./money";

describe("money", () => {
  it("formats fen as yuan with two decimals", () => {
    expect(fenToYuan(1230)).toBe("12.30");
    expect(fenToYuan(5)).toBe("0.05");
    expect(fenToYuan(0)).toBe("0.00");
    expect(fenToYuan(-101)).toBe("-1.01");
    expect(fenToYuan(900719925474099)).toBe("9007199254740.99");
  });

  it("parses yuan strictly and exactly", () => {
    expect(yuanToFen("12.3")).toBe(1230);
    expect(yuanToFen("12.30")).toBe(1230);
    expect(yuanToFen("0.07")).toBe(7); // 0.07 * 100 is 7.000000000000001 as a float
    expect(yuanToFen("1.15")).toBe(115);
    expect(yuanToFen("100")).toBe(10000);
    for (const bad of ["", "1.", ".5", "1.234", "-1", "+1", "1e3", " 1", "1,00", "0x10", "NaN"]) {
      expect(() => yuanToFen(bad), bad).toThrow(RangeError);
    }
  });

  it("round-trips and refuses unsafe integers", () => {
    for (const fen of [0, 1, 99, 100, 123456789]) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
    expect(() => fenToYuan(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => yuanToFen("900719925474099300")).toThrow(RangeError);
  });
});
