import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadEnv } from "../env";
import { openRunner } from "./connect";
import { diffSchemaAgainstMigrations } from "./engine";
import { applyMigrations, MIGRATIONS_DIR } from "./migrations";

async function deploy() {
  const env = loadEnv();
  const runner = await openRunner(env);
  try {
    const applied = await applyMigrations(runner, undefined, { lock: Boolean(env.DATABASE_URL) });
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  } finally {
    await runner.close();
  }
}

async function create(name: string | undefined) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("Usage: npm run db:migrate:create -- <snake_case_name>");
  const sql = await diffSchemaAgainstMigrations();
  if (sql.includes("This is an empty migration")) {
    console.log("The schema matches the migrations; nothing to create.");
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  writeFileSync(path.join(MIGRATIONS_DIR, "migration_lock.toml"), 'provider = "postgresql"\n');
  console.log(`Created ${path.relative(process.cwd(), dir)}/migration.sql`);
}

const [command, arg] = process.argv.slice(2);
(command === "create" ? create(arg) : deploy()).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
