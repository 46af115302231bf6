import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { DiffTarget } from "@prisma/schema-engine-wasm";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { MIGRATIONS_DIR, readMigrations } from "./migrations";

const require = createRequire(import.meta.url);

/** Loads Prisma's wasm schema engine (the native one cannot be downloaded offline). */
async function loadEngine() {
  const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
  const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmModule = new WebAssembly.Module(readFileSync(path.join(pkgDir, "schema_engine_bg.wasm")));
  const instance = new WebAssembly.Instance(wasmModule, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return glue.SchemaEngine;
}

/** SQL that takes the committed migrations to the current prisma/schema.prisma. */
export async function diffSchemaAgainstMigrations(schemaPath = path.join(process.cwd(), "prisma", "schema.prisma")) {
  const SchemaEngine = await loadEngine();
  const datamodel = readFileSync(schemaPath, "utf8");
  const shadow = new PGlite();
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(shadow));
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, datamodel]] }, () => undefined, factory);
  const migrations = readMigrations();
  const from: DiffTarget =
    migrations.length === 0
      ? { tag: "empty" }
      : {
          tag: "migrations",
          baseDir: MIGRATIONS_DIR,
          lockfile: { path: "migration_lock.toml", content: 'provider = "postgresql"\n' },
          shadowDbInitScript: "",
          migrationDirectories: migrations.map((m) => ({
            path: m.name,
            migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
          })),
        };
  const result = await engine.diff({
    from,
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: datamodel }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  await shadow.close();
  return String(result.stdout ?? "");
}
