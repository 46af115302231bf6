import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { allowSignIn, clientAddress, takeAttempt } from "./throttle";

describe("sign-in throttle buckets", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.dispose());

  it("allows the burst, refuses the next, and refills with time", async () => {
    const bucket = { burst: 3, perMinute: 60 };
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await takeAttempt(t.runner, "k1", bucket));
    expect(taken).toEqual([true, true, true, false]);
    expect(await takeAttempt(t.runner, "k2", bucket)).toBe(true);
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await takeAttempt(t.runner, "k1", bucket)).toBe(true);
  });

  it("keeps refusing while hammered, without going deeper than one attempt in debt", async () => {
    const bucket = { burst: 1, perMinute: 60 };
    expect(await takeAttempt(t.runner, "k3", bucket)).toBe(true);
    for (let i = 0; i < 20; i++) expect(await takeAttempt(t.runner, "k3", bucket)).toBe(false);
    const [row] = await t.runner.query<{ tokens: number }>(`SELECT tokens FROM "RateBucket" WHERE "appId" = 'k3'`);
    expect(Number(row!.tokens)).toBeGreaterThanOrEqual(-1);
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await takeAttempt(t.runner, "k3", bucket)).toBe(true);
  });

  it("counts parallel attempts exactly", async () => {
    const bucket = { burst: 5, perMinute: 0.001 };
    const taken = await Promise.all(Array.from({ length: 12 }, () => takeAttempt(t.runner, "k4", bucket)));
    expect(taken.filter(Boolean)).toHaveLength(5);
  });

  it("stores no email or address in clear", async () => {
    await allowSignIn(t.runner, "198.51.100.23", "Someone@Example.test");
    const keys = (await t.runner.query<{ appId: string }>(`SELECT "appId" FROM "RateBucket"`)).map((r) => r.appId).join(" ");
    expect(keys).not.toMatch(/someone|example|198\.51/i);
  });

  it("reads the last hop of X-Forwarded-For", () => {
    expect(clientAddress({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" })).toBe("2.2.2.2");
    expect(clientAddress({ "x-real-ip": "3.3.3.3" })).toBe("3.3.3.3");
    expect(clientAddress({})).toBe("unknown");
    expect(clientAddress(undefined)).toBe("unknown");
  });
});
