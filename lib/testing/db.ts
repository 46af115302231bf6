import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectPg, connectPglite, openPglite, type Connection } from "../db/connect";
import { applyMigrations } from "../db/migrations";

export interface TestDb extends Connection {
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database on the
 * server named by TEST_DATABASE_URL (the test runner's own setting, not the app's).
 */
export async function createTestDb(): Promise<TestDb> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const conn = connectPglite(await openPglite(undefined));
    await applyMigrations(conn.runner);
    return { ...conn, dispose: () => conn.close() };
  }
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const conn = connectPg(url.toString(), { max: 25 });
  await applyMigrations(conn.runner);
  return {
    ...conn,
    async dispose() {
      await conn.close();
      const drop = new pg.Client({ connectionString: serverUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await drop.end();
    },
  };
}
