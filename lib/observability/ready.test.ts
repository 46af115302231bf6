import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "../db/migrations";
import type { SqlRunner } from "../db/runner";
import { createTestDb, type TestDb } from "../testing/db";
import { bearerMatches, checkReadiness } from "./ready";

describe("readiness", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.dispose());

  const reachable = (async () => new Response("{}", { status: 404 })) as unknown as typeof fetch;
  const refused = (async () => {
    throw new TypeError("fetch failed");
  }) as unknown as typeof fetch;

  it("is ready with the database up, every migration applied and no gateway configured", async () => {
    const r = await checkReadiness({ runner: async () => t.runner, gatewayUrl: null });
    expect(r).toEqual({ ready: true, checks: { database: "ok", migrations: "ok", gateway: "not_configured" } });
  });

  it("counts any HTTP answer from the configured gateway as reachable, and a refused connection as not ready", async () => {
    expect((await checkReadiness({ runner: async () => t.runner, gatewayUrl: "http://gw", fetchImpl: reachable })).ready).toBe(true);
    const down = await checkReadiness({ runner: async () => t.runner, gatewayUrl: "http://gw", fetchImpl: refused });
    expect(down.ready).toBe(false);
    expect(down.checks.gateway).toMatch(/^unreachable/);
  });

  it("is not ready while a committed migration is not applied", async () => {
    const migrations = [...readMigrations(), { name: "29991231000000_future", sql: "SELECT 1", checksum: "x" }];
    const r = await checkReadiness({ runner: async () => t.runner, migrations });
    expect(r.ready).toBe(false);
    expect(r.checks.migrations).toBe("pending: 29991231000000_future");
  });

  it("is not ready when the database does not answer", async () => {
    const broken: SqlRunner = { query: async () => Promise.reject(new Error("connection refused")), script: async () => {}, close: async () => {} };
    const r = await checkReadiness({ runner: async () => broken });
    expect(r).toMatchObject({ ready: false, checks: { database: "unavailable: connection refused" } });
  });
});

describe("metrics bearer token", () => {
  it("accepts only the exact token", () => {
    const token = "0123456789abcdef-token";
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
    expect(bearerMatches(null, token)).toBe(false);
  });
});
