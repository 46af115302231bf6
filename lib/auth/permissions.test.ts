import { describe, expect, it } from "vitest";
import { can, navFor, ROLE_SCOPES } from "./permissions";

describe("permissions", () => {
  it("keeps agents out of thresholds, costs, audit and reasoning logs", () => {
    for (const scope of ["thresholds:write", "costs:read", "audit:read", "reasoning:read"] as const) expect(can("AGENT", scope)).toBe(false);
    expect(can("AGENT", "review:decide")).toBe(true);
  });
  it("keeps auditors read-only", () => {
    expect(ROLE_SCOPES.AUDITOR.filter((s) => /:(write|decide|manage)$/.test(s))).toEqual([]);
  });
  it("lets finance watch costs but not decide cases", () => {
    expect(can("FINANCE", "costs:read")).toBe(true);
    expect(can("FINANCE", "review:decide")).toBe(false);
  });
  it("lets only admins change thresholds, while auditors may read them", () => {
    expect((["AGENT", "ADMIN", "FINANCE", "AUDITOR"] as const).filter((r) => can(r, "thresholds:write"))).toEqual(["ADMIN"]);
    expect(can("AUDITOR", "thresholds:read")).toBe(true);
  });
  it("refuses when there is no role", () => {
    expect(can(null, "cases:read")).toBe(false);
  });
  it("derives navigation from the same table", () => {
    expect(navFor("FINANCE").map((n) => n.key)).toEqual(["cases", "insights", "costs"]);
  });
});
