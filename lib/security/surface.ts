import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { SqlRunner } from "../db/runner";

/** Test support: the attack surface found on disk, so a new action or route cannot go unclassified. */

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = path.join(ROOT, "app");
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

/** Files whose first statement is the "use server" directive: every export is a server action. */
export function serverActionFiles(): string[] {
  return walk(APP)
    .filter((f) => /^(\s*(\/\/[^\n]*|\/\*[\s\S]*?\*\/)\s*)*["']use server["']/.test(readFileSync(f, "utf8")))
    .map(rel)
    .sort();
}

export function routeFiles(): string[] {
  return walk(APP)
    .filter((f) => /^route\.tsx?$/.test(path.basename(f)))
    .map(rel)
    .sort();
}

export type Callable = (...args: unknown[]) => Promise<unknown>;

/** "file#export" → the exported server action. */
export async function discoverActions(): Promise<Map<string, Callable>> {
  const out = new Map<string, Callable>();
  for (const file of serverActionFiles()) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") out.set(`${file}#${name}`, value as Callable);
    }
  }
  return out;
}

/** "METHOD file" → the route handler. */
export async function discoverRoutes(): Promise<Map<string, Callable>> {
  const out = new Map<string, Callable>();
  for (const file of routeFiles()) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    for (const method of HTTP_METHODS) {
      if (typeof mod[method] === "function") out.set(`${method} ${file}`, mod[method] as Callable);
    }
  }
  return out;
}

/**
 * A fingerprint of every table (row count and an md5 over all rows), tables found at run time so
 * tables added later are covered too. Equal fingerprints: nothing was written.
 */
export async function fingerprint(runner: SqlRunner): Promise<Record<string, string>> {
  let sql = statements.get(runner);
  if (!sql) {
    const tables = await runner.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );
    sql = tables
      .map(({ name }) => {
        const id = `"${name.replace(/"/g, '""')}"`;
        return `SELECT '${name.replace(/'/g, "''")}' AS name, count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${id} t`;
      })
      .join(" UNION ALL ");
    statements.set(runner, sql);
  }
  const rows = await runner.query<{ name: string; n: number; h: string | null }>(sql);
  return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.h ?? "-"}`]));
}

const statements = new WeakMap<SqlRunner, string>();
