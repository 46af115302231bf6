import { describe, expect, it } from "vitest";
import { removeLogs, runCrashScenario } from "./crash";
import { summarize } from "./scenario";

/**
 * The quick crash run for CI, 100 cases and two kills (needs the PostgreSQL server: TEST_DATABASE_URL, else the local one);
 * `npm run reliability` runs 5,000 cases with more kills.
 */
describe("crash: the worker process killed at random moments and restarted", () => {
  it("finishes every case exactly once, refunds once, and bills once", async () => {
    const r = await runCrashScenario({
      cases: 100,
      kills: 2,
      timeoutMs: 400_000,
    });
    const a = r.accounting;
    console.log(
      `${r.kills.map((k) => `SIGKILL after ${k.jobsDone} jobs (held ${k.interrupted}, ${k.executing} EXECUTING)`).join("; ")}\n  ${summarize(a)}`,
    );
    expect(r.kills).toHaveLength(2);
    expect(
      r.kills.every(
        (k) => k.interrupted > 0 || k.executing > 0 || k.jobsDone > 0,
      ),
    ).toBe(true);
    expect(a.lost).toEqual([]);
    expect(a.doubleRefunds).toEqual([]);
    expect(a.moneyMismatches).toEqual([]);
    expect(a.unverifiedActions).toEqual([]);
    expect(a.duplicates).toEqual([]);
    expect(a.doubleBilling).toEqual([]);
    expect(a.final + a.inReview + a.failedVisible).toBe(100);
    expect(a.jobs.open).toBe(0);
    removeLogs(r);
  }, 450_000);
});
