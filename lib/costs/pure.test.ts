import { describe, expect, it } from "vitest";
import { shareOf, stackedSeries } from "./charts";
import { csvCell, csvLines, csvStream, formatCnyNumber, summaryCsvLines } from "./csv";
import { divRound, fromFen, fromMicro, microToFen, percent, quotientToFen, sumDec, toMicro, trimDec } from "./decimal";
import { budgetMath, burnDown } from "./forecast";
import { defaultRange, exportInput, localDay, periodOf, periodsIn, rangeInput } from "./range";
import { formatYuan } from "../i18n/format";
import { budgetInput, settingsInput } from "./schemas";
import { batchSaved, unitEconomics } from "./unit";

const row = (key: string, costCny: string, feeCny = "0.000000", calls = 1) => ({ key, calls, failedCalls: 0, retriedCalls: 0, costCny, failedCostCny: "0.000000", retriedCostCny: "0.000000", feeCny });

describe("exact decimals", () => {
  it("parses, formats, sums and rounds without floats", () => {
    expect(toMicro("0.1")).toBe(100_000n);
    expect(toMicro("-1.000001")).toBe(-1_000_001n);
    expect(fromMicro(-5n)).toBe("-0.000005");
    expect(() => toMicro("1e3")).toThrow();
    expect(() => toMicro("0.0000001")).toThrow();
    // 0.1 + 0.2 is exactly 0.3 here
    expect(sumDec(["0.100000", "0.200000"])).toBe("0.300000");
    expect(microToFen(5_000n)).toBe(1n);
    expect(microToFen(4_999n)).toBe(0n);
    expect(divRound(-15n, 10n)).toBe(-2n);
    expect(trimDec("12.340000")).toBe("12.34");
    expect(trimDec("0.000060")).toBe("0.00006");
    expect(percent(1n, 3n)).toBe("33.3");
    expect(percent(1n, 0n)).toBeNull();
  });

  it("rounds derived amounts once, half up (not banker's), to the fen", () => {
    expect(fromFen(1235n)).toBe("12.35");
    expect(fromFen(-5n)).toBe("-0.05");
    // ties go up, where banker's rounding would go to the even fen (0.00, 0.02)
    expect(quotientToFen(5_000n, 1n)).toBe("0.01");
    expect(quotientToFen(25_000n, 1n)).toBe("0.03");
    expect(quotientToFen(-5_000n, 1n)).toBe("-0.01");
    // 9,999 / 2 = 4,999.5 micro-yuan is under half a fen: rounding to the micro-yuan first would give 0.01
    expect(quotientToFen(9_999n, 2n)).toBe("0.00");
    expect(quotientToFen(10_000n, 3n)).toBe("0.00");
    expect(quotientToFen(20_000n, 3n)).toBe("0.01");
    expect(() => quotientToFen(1n, 0n)).toThrow();
  });
});

describe("ranges", () => {
  it("validates with clear messages", () => {
    expect(rangeInput.safeParse({ from: "2026-12-01", to: "2026-11-01" }).error!.issues[0]!.message).toContain("must not be after");
    expect(rangeInput.safeParse({ from: "2026-02-30", to: "2026-03-01" }).error!.issues[0]!.message).toContain("calendar date");
    expect(rangeInput.safeParse({ from: "2020-01-01", to: "2026-03-01" }).error!.issues[0]!.message).toContain("At most");
    expect(rangeInput.parse({ from: "2026-11-01", to: "2026-11-30" }).granularity).toBe("day");
    expect(exportInput.safeParse({ from: "2026-11-01", to: "2026-11-30", view: "secrets" }).success).toBe(false);
  });

  it("groups days into ISO weeks and months, in the merchant's zone", () => {
    expect(periodOf("2026-12-02", "week")).toBe("2026-11-30"); // a Wednesday → its Monday
    expect(periodOf("2026-11-30", "week")).toBe("2026-11-30");
    expect(periodOf("2026-12-06", "week")).toBe("2026-11-30"); // Sunday
    expect(periodsIn({ from: "2026-11-28", to: "2026-12-02" }, "month")).toEqual(["2026-11", "2026-12"]);
    expect(localDay(new Date("2026-11-30T16:30:00Z"), "Asia/Shanghai")).toBe("2026-12-01");
    expect(defaultRange(new Date("2026-12-02T01:00:00Z"), "UTC")).toEqual({ from: "2026-11-03", to: "2026-12-02" });
  });
});

describe("budget math", () => {
  const daily = [
    { day: "2026-11-28", costCny: "7.000000" },
    { day: "2026-12-01", costCny: "1.000000" },
    { day: "2026-12-02", costCny: "2.000000" },
    { day: "2026-12-03", costCny: "0.500000" },
  ];
  it("adds month to date and the run rate times the days left, in integers", () => {
    const m = budgetMath(daily, "2026-12-03", 1_000);
    // last 7 complete days: Nov 26..Dec 2 = 7 + 1 + 2 = 10 → 10/7 a day; 28 days left
    expect(m.mtdCny).toBe("3.500000");
    expect(m.runRateCny).toBe("1.43");
    expect(m.forecastCny).toBe("43.50");
    expect(m.crossed).toEqual([]);
    expect(m.forecastOver).toBe(true);
    expect(budgetMath(daily, "2026-12-03", 437).crossed).toEqual([80]);
    expect(budgetMath(daily, "2026-12-03", 350).crossed).toEqual([80, 100]);
    expect(budgetMath(daily, "2026-12-03", 351).crossed).toEqual([80]);
  });

  it("draws a burn-down whose forecast ends at the forecast", () => {
    const m = budgetMath(daily, "2026-12-03", 5_000);
    const b = burnDown(daily, m);
    expect(b).toHaveLength(31);
    expect(b[2]).toMatchObject({ day: "2026-12-03", spentCny: "3.500000", forecastCny: "3.50", remaining: 46.5 });
    expect(b[3]!.spent).toBeNull();
    expect(b[30]!.forecastCny).toBe(m.forecastCny);
    expect(b[3]).toMatchObject({ forecastCny: "4.93", forecast: 4.93, spentCny: null }); // Dec 4: 3.5 + 10/7
  });

  it("shows the forecast to the fen and compares the exact one with the budget", () => {
    // Dec 2: 29 days left; mtd 0; the 7 days before: 0.002414 → 0.002414 × 29 / 7 = 0.010000857…
    const over = budgetMath([{ day: "2026-11-25", costCny: "0.002414" }], "2026-12-02", 1);
    expect(over).toMatchObject({ runRateCny: "0.00", forecastCny: "0.01", forecastOver: true, last7Cny: "0.002414" });
    // 0.002413 × 29 / 7 = 0.009996714…: shown as the same 0.01, but not over the 0.01 budget
    const under = budgetMath([{ day: "2026-11-25", costCny: "0.002413" }], "2026-12-02", 1);
    expect(under).toMatchObject({ forecastCny: "0.01", forecastOver: false });
  });
});

describe("unit economics", () => {
  it("prices human review by the hourly rate times measured handling time", () => {
    const u = unitEconomics("30.000000", { cases: 3, resolved: 2, autoResolved: 0, reviewed: 2, handlingMs: 5_400_000 }, 6_000, "0.000000");
    expect(u.perCaseCny).toBe("10.00");
    expect(u.perResolvedCny).toBe("15.00");
    expect(u.perAutoResolvedCny).toBeNull();
    expect(u.humanCostCny).toBe("90.00"); // 1.5 h × 60 CNY
    expect(u.humanPerReviewedCny).toBe("45.00");
    expect(u.apiCostCny).toBe("30.000000"); // the ledger sum stays exact
    expect(unitEconomics("1.000000", { cases: 3, resolved: 3, autoResolved: 3, reviewed: 0, handlingMs: 0 }, 6_000, "0.00").perCaseCny).toBe("0.33");
  });

  it("rounds each derived amount once, half up, to the fen", () => {
    // 0.009999 / 2 = 0.0049995: under half a fen (a micro-yuan rounding first would make it 0.01)
    const u = unitEconomics("0.009999", { cases: 2, resolved: 1, autoResolved: 0, reviewed: 3, handlingMs: 30_000 }, 6_000, "0.00");
    expect(u).toMatchObject({ apiCostCny: "0.009999", perCaseCny: "0.00", perResolvedCny: "0.01", perAutoResolvedCny: null });
    // 30 s at 60 CNY/h = 0.50; over 3 reviews 0.1666… → 0.17
    expect(u).toMatchObject({ humanCostCny: "0.50", humanPerReviewedCny: "0.17" });
    expect(unitEconomics("0.010000", { cases: 2, resolved: 0, autoResolved: 0, reviewed: 0, handlingMs: 0 }, 6_000, "0.00").perCaseCny).toBe("0.01"); // a tie goes up
    // 1 ms of review is 0.0000167 CNY
    expect(unitEconomics("0", { cases: 0, resolved: 0, autoResolved: 0, reviewed: 1, handlingMs: 1 }, 6_000, "0.00")).toMatchObject({ humanCostCny: "0.00", humanPerReviewedCny: "0.00" });
  });

  it("says what batching saved with the price table of each day", () => {
    expect(batchSaved([{ day: "2026-11-05", costCny: "0.014000" }, { day: "2026-12-01", costCny: "0.700000" }])).toBe("0.31");
    expect(batchSaved([])).toBe("0.00");
    // 30% off: saved = cost × 3/7. 0.011666 × 3/7 = 0.0049997…, under half a fen; summed exactly over days
    expect(batchSaved([{ day: "2026-11-05", costCny: "0.011666" }])).toBe("0.00");
    expect(batchSaved([{ day: "2026-11-05", costCny: "0.011666" }, { day: "2026-11-06", costCny: "0.000001" }])).toBe("0.01");
  });
});

describe("summary CSV", () => {
  const u = unitEconomics("1234.567891", { cases: 3, resolved: 2, autoResolved: 0, reviewed: 1, handlingMs: 100_000 }, 6_000, "0.31");
  const b = budgetMath([{ day: "2026-11-28", costCny: "7.000000" }, { day: "2026-12-01", costCny: "1.000001" }], "2026-12-03", null);
  const labels = { measure: "M", value: "V", item: (i: string) => i };
  const cells = (format: "plain" | "en") => Object.fromEntries([...summaryCsvLines(u, b, labels, format)].slice(1).map((l) => l.trim().split(/,(.*)/s).slice(0, 2)));

  it("has the screen's figures: exact sums exact, derived amounts to the fen, nothing where the screen shows a dash", () => {
    const plain = cells("plain");
    expect(plain).toMatchObject({ cases: "3", apiCost: "1234.567891", perCase: "411.52", perResolved: "617.28", perAutoResolved: "", human: "1.67", humanPerReviewed: "1.67", batchSaved: "0.31" });
    // the budget panel: 8.000001 in the 7 days before Dec 3 → 1.14 a day; 1.000001 + 8.000001 × 28 / 7 = 33.000005 → 33.00
    expect(plain).toMatchObject({ mtd: "1.000001", runRate: "1.14", forecast: "33.00", budget: "" });
    const withBudget = [...summaryCsvLines(u, budgetMath([], "2026-12-03", 1_234), labels, "plain")];
    expect(withBudget.at(-1)).toBe("budget,12.34\r\n");
  });

  it("formats like the screen in the user's number format", () => {
    const en = cells("en");
    expect(en.apiCost).toBe('"1,234.567891"');
    // the screen shows derived amounts with formatYuan(…, 2): the same digits
    for (const k of ["perCase", "perResolved", "human", "runRate", "forecast"] as const) {
      expect(formatYuan(cells("plain")[k]!, "en", 2).replace(/[^\d.]/g, "")).toBe(en[k]!.replace(/[^\d.]/g, ""));
    }
  });
});

describe("charts", () => {
  it("stacks workflows per period with empty periods as zero", () => {
    const s = stackedSeries([{ period: "2026-12-01", workflow: "refund", costCny: "0.100000" }, { period: "2026-12-01", workflow: "risk", costCny: "0.200000" }], { from: "2026-11-30", to: "2026-12-01" }, "day");
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({ period: "2026-11-30", refund: 0, totalCny: "0.000000" });
    expect(s[1]).toMatchObject({ refund: 0.1, refundCny: "0.100000", risk: 0.2, totalCny: "0.300000" });
  });
  it("shares by endpoint, largest first, leaving out zeros", () => {
    const s = shareOf([row("a", "1.000000"), row("b", "3.000000"), row("c", "0.000000")]);
    expect(s.map((x) => [x.name, x.pct])).toEqual([["b", "75.0"], ["a", "25.0"]]);
  });
});

describe("CSV", () => {
  it("formats numbers plain or in the locale's format, with the ledger's precision", () => {
    expect(formatCnyNumber("1234.560000", "plain")).toBe("1234.560000");
    expect(formatCnyNumber("1234.560000", "en")).toBe("1,234.56");
    expect(formatCnyNumber("1234.560010", "zh-CN")).toBe("1,234.56001");
    expect(formatCnyNumber("0.000060", "en")).toBe("0.00006");
  });
  it("quotes and neutralises formulas", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=cmd()")).toBe("'=cmd()");
    expect(csvCell("-1.5")).toBe("-1.5");
  });
  it("streams header, rows and the total, with a BOM", async () => {
    const rows = [row("2026-12-01", "1.000001", "0.600000", 2), row("2026-12-02", "2.000000", "0.000000", 1)];
    const labels = { key: "Day", fields: { calls: "Calls", failedCalls: "F", retriedCalls: "R", costCny: "Cost", failedCostCny: "FC", retriedCostCny: "RC", feeCny: "Fee", totalCny: "Total" }, total: "Total" };
    const bytes = new Uint8Array(await new Response(csvStream(csvLines(rows, labels, "en"))).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith("Day,Calls")).toBe(true);
    expect(text.trim().split("\r\n").at(-1)).toBe("Total,3,0,0,3.000001,0.00,0.00,0.60,3.600001");
  });
});

describe("forms", () => {
  it("takes a budget in yuan and refuses bad amounts and months", () => {
    expect(budgetInput.parse({ month: "2026-12", amount: "5000.50" }).amount).toBe(500_050);
    expect(budgetInput.safeParse({ month: "2026-13", amount: "1" }).error!.issues[0]!.message).toContain("Month");
    expect(budgetInput.safeParse({ month: "2026-12", amount: "1.234" }).error!.issues[0]!.message).toContain("at most 2 decimals");
    expect(budgetInput.safeParse({ month: "2026-12", amount: "0" }).error!.issues[0]!.message).toContain("more than 0");
    expect(budgetInput.safeParse({ month: "2026-12", amount: "-5" }).success).toBe(false);
    expect(settingsInput.parse({ reviewHourlyRate: "80", webhookUrl: "" })).toEqual({ reviewHourlyRate: 8_000, webhookUrl: null });
    expect(settingsInput.safeParse({ reviewHourlyRate: "80", webhookUrl: "ftp://x" }).error!.issues[0]!.message).toContain("http");
  });
});
