import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { applyMigrations, pendingMigrations, readMigrations, MigrationError } from "./migrations";

describe("migrations", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.dispose());

  it("applies every committed migration and records it like Prisma Migrate", async () => {
    expect(await pendingMigrations(t.runner)).toEqual([]);
    const rows = await t.runner.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrations().map((m) => m.name));
  });

  it("lets every trigger that queries plan with enable_sort on, whatever the firing statement set", async () => {
    // The review queue's claim runs with SET LOCAL enable_sort = off; triggers that inherited it
    // took 0.7-1 s per claim (migration 20261202080000_trigger_planner_defaults).
    const guards = ["audit_refuse_change", "audit_head_advance_only"]; // refuse or compare, no query
    const rows = await t.runner.query<{ fn: string; config: string[] | null }>(
      `SELECT DISTINCT p.proname AS fn, p.proconfig AS config FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal ORDER BY 1`,
    );
    const querying = rows.filter((r) => !guards.includes(r.fn));
    expect(querying.length).toBeGreaterThanOrEqual(11);
    expect(querying.filter((r) => !(r.config ?? []).includes("enable_sort=on")).map((r) => r.fn)).toEqual([]);
  });

  it("is idempotent", async () => {
    expect(await applyMigrations(t.runner)).toEqual([]);
  });

  it("refuses a migration edited after it was applied", async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(applyMigrations(t.runner, edited)).rejects.toThrow(MigrationError);
  });

  it("rolls back a failing migration and records nothing", async () => {
    const bad = [...readMigrations(), { name: "99999999999999_bad", sql: 'CREATE TABLE "x_ok"(id int); SELECT nope;', checksum: "b".repeat(64) }];
    await expect(applyMigrations(t.runner, bad)).rejects.toThrow(/rolled back/);
    const exists = await t.runner.query<{ t: string | null }>(`SELECT to_regclass('"x_ok"')::text AS t`);
    expect(exists[0]!.t).toBeNull();
    expect(await pendingMigrations(t.runner, bad)).toEqual(["99999999999999_bad"]);
  });

  it("keeps merchantId first in every tenant index", async () => {
    const rows = await t.runner.query<{ indexdef: string; tablename: string }>(
      `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()
         AND tablename IN ('Case','AiDecision','ApiCall','ThresholdPolicy','AuditEvent','ApiKey')
         AND indexname NOT LIKE '%_pkey'
         -- an API key is looked up by its prefix before the merchant is known
         AND indexname <> 'ApiKey_prefix_key'`,
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(r.indexdef).toMatch(/\("merchantId"/);
  });
});
