/**
 * PostgreSQL text cannot hold the NUL character: a string carrying one fails in the database,
 * after validation, as an unexpected error. Inputs are refused up front instead, with a clear error.
 */
export function findNul(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "input" : null;
  if (value === null || typeof value !== "object" || depth > 32) return null;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes("\u0000")) return [...path, "(key)"].join(".");
    const found = findNul(v, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * A NUL can reach the server only percent-encoded in the address (%00), from where page and route
 * code would pass it on to a query. Checked once, on the raw URL, before any page or route runs.
 */
export const urlHasNul = (rawUrl: string) => /%00/i.test(rawUrl);
