import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** The two calls migrations and test setup need, over either database. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script as one unit (one round trip, simple query protocol). */
  script(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function pgliteRunner(client: PGlite, { owned = false } = {}): SqlRunner {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query<T>(sql, params)).rows;
    },
    async script(sql) {
      await client.exec(sql);
    },
    async close() {
      if (owned) await client.close();
    },
  };
}

export function pgRunner(client: pg.Client | pg.Pool, { owned = false } = {}): SqlRunner {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async script(sql) {
      await client.query(sql);
    },
    async close() {
      if (owned) await client.end();
    },
  };
}
