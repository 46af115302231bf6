import { describe, expect, it } from "vitest";
import { diffSchemaAgainstMigrations } from "./engine";

// prisma/schema.prisma and the committed migrations must describe the same database: a model added
// without its migration (or a migration edited by hand away from the schema) fails here, not in prod.
describe("schema and migrations", () => {
  it("agree: Prisma's diff from the migrations to the schema is empty", { timeout: 120_000 }, async () => {
    const sql = await diffSchemaAgainstMigrations();
    expect(sql).toContain("This is an empty migration");
  });
});
