import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { FAULT_MODES, modeName, runFaultMode } from "./fault-matrix";
import { summarize } from "./scenario";

/** The quick fault matrix for CI; `npm run reliability` runs 1,000 cases per mode on PostgreSQL. */
const CASES_PER_MODE = 12;

describe("fault matrix: every sandbox fault mode × cases through the real workers", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  }, 300_000);
  afterAll(async () => {
    await t.dispose();
  });

  it.each(FAULT_MODES.map((m) => [modeName(m), m] as const))(
    "%s: nothing lost, nothing refunded twice, nothing done on an unverified answer",
    async (_name, mode) => {
      const r = await runFaultMode(t, mode, CASES_PER_MODE);
      const a = r.accounting;
      console.log(
        `${r.mode} (${r.faultsFired} faults fired, ${r.seconds.toFixed(1)} s)\n  ${summarize(a)}`,
      );
      expect(r.faultsFired).toBeGreaterThan(0);
      expect(a.lost).toEqual([]);
      expect(a.doubleRefunds).toEqual([]);
      expect(a.moneyMismatches).toEqual([]);
      expect(a.unverifiedActions).toEqual([]);
      expect(a.duplicates).toEqual([]);
      expect(a.doubleBilling).toEqual([]);
      expect(a.final + a.inReview + a.failedVisible).toBe(CASES_PER_MODE);
      expect(a.jobs.open).toBe(0);
    },
    180_000,
  );
});
