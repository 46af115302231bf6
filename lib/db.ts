import { loadEnv } from "./env";
import { connectPg, connectPglite, openPglite, pgliteDir, type Connection } from "./db/connect";
import { applyMigrations } from "./db/migrations";
import type { PrismaClient } from "./generated/prisma/client";

// One connection per process. Next bundles modules more than once (instrumentation, routes),
// so the singleton lives on globalThis: PGlite's folder may be open only once per process.
const holder = globalThis as typeof globalThis & { __consoleDb?: Promise<Connection> };

async function open(): Promise<Connection> {
  const env = loadEnv();
  if (env.DATABASE_URL) return connectPg(env.DATABASE_URL, { max: env.DATABASE_POOL_MAX });
  const conn = connectPglite(await openPglite(pgliteDir(env)));
  await applyMigrations(conn.runner);
  return conn;
}

export function connection(): Promise<Connection> {
  holder.__consoleDb ??= open().catch((err) => {
    holder.__consoleDb = undefined;
    throw err;
  });
  return holder.__consoleDb;
}

/** The one Prisma client. */
export async function db(): Promise<PrismaClient> {
  return (await connection()).prisma;
}

/** Lets tests and scripts install their own connection (a fresh PGlite, a test database). */
export function useConnection(conn: Connection) {
  holder.__consoleDb = Promise.resolve(conn);
}

export async function closeDb() {
  const conn = await holder.__consoleDb;
  holder.__consoleDb = undefined;
  await conn?.close();
}
