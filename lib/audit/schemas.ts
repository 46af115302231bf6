import { z } from "zod";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

/** Client-safe: the audit viewer's and the export's filters, from the query string. */
export const auditFilters = z
  .object({
    actor: z.string().trim().max(64).optional(),
    action: z
      .string()
      .trim()
      .regex(/^[a-z_]+(\.[a-z_]+)*$/, "must be a dotted action name")
      .max(64)
      .optional(),
    target: z.string().trim().max(128).optional(),
    from: day.optional(),
    to: day.optional(),
    /** Keyset cursor "<createdAt ms>.<id>": events older than that one. */
    before: z.string().regex(/^\d{1,15}\.\d{1,19}$/, "must be a page cursor").optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "must not be after to", path: ["from"] });

export type AuditFilters = z.infer<typeof auditFilters>;

export const AUDIT_PAGE_SIZE = 50;

/** Reads a query string (empty values mean "any"). */
export function parseAuditFilters(search: Record<string, string | string[] | undefined> | URLSearchParams) {
  const entries = search instanceof URLSearchParams ? [...search.entries()] : Object.entries(search).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v] as const);
  return auditFilters.safeParse(Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== "")));
}

/** The filters back into a query string (without the cursor unless given). */
export function auditQuery(f: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "target", "from", "to"] as const) if (f[key]) params.set(key, f[key]!);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "";
}
