import pg from "pg";
import { connectPg, type Connection } from "../db/connect";
import { applyMigrations } from "../db/migrations";

/** The server benchmarks run on (BENCH_DATABASE_URL, default the local one): a benchmark tool's own setting. */
export const BENCH_SERVER = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: BENCH_SERVER });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A new, migrated database on the benchmark server; drop() removes it. */
export async function freshBenchDb(name: string, { max = 8 } = {}): Promise<Connection & { drop(): Promise<void> }> {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${name}`;
  const conn = connectPg(url.toString(), { max });
  await applyMigrations(conn.runner);
  return {
    ...conn,
    async drop() {
      await conn.close();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
