import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, useConnection } from "@/lib/db";
import { createTestDb, type TestDb } from "@/lib/testing/db";
import { GET as health } from "../health/route";
import { GET as ready } from "./route";

describe("health and readiness", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
  });
  afterAll(() => closeDb());

  it("liveness answers without touching the database", async () => {
    const res = health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("readiness checks the database and the migrations", async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", database: "ok", migrations: "ok", gateway: "not_configured" });
  });

  it("is 503 when a migration is missing", async () => {
    await t.runner.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations")`);
    const res = await ready();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "not_ready", migrations: expect.stringMatching(/^pending: /) });
  });
});
