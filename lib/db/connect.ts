import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Env } from "../env";
import { PrismaClient } from "../generated/prisma/client";
import { pgliteRunner, pgRunner, type SqlRunner } from "./runner";
import { log } from "../observability/log";

export type Database = PrismaClient;

export function pgliteDir(env: Pick<Env, "dataDir">) {
  return path.join(env.dataDir, "pglite");
}

export async function openPglite(dir: string | undefined): Promise<PGlite> {
  if (dir) mkdirSync(dir, { recursive: true });
  const client = dir ? new PGlite(dir) : new PGlite();
  await client.waitReady;
  return client;
}

export async function openRunner(env: Env): Promise<SqlRunner> {
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    return pgRunner(client, { owned: true });
  }
  return pgliteRunner(await openPglite(pgliteDir(env)), { owned: true });
}

export interface Connection {
  prisma: PrismaClient;
  runner: SqlRunner;
  kind: "pglite" | "pg";
  close(): Promise<void>;
}

export function connectPg(url: string, { max = 10 } = {}): Connection {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on("error", (err) => log.error("idle database client error", { err }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    runner: pgRunner(pool),
    kind: "pg",
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export function connectPglite(client: PGlite): Connection {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  return {
    prisma,
    runner: pgliteRunner(client),
    kind: "pglite",
    async close() {
      await prisma.$disconnect();
      await client.close();
    },
  };
}
