/** One changed leaf between an event's before and after, by dotted path. */
export interface Change {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What changed from before to after, leaf by leaf (arrays compare whole), in a stable order. */
export function diffJson(before: unknown, after: unknown, path = ""): Change[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in before)) return [{ path: p, kind: "added" as const, after: after[k] }];
      if (!(k in after)) return [{ path: p, kind: "removed" as const, before: before[k] }];
      return diffJson(before[k], after[k], p);
    });
  }
  if (before === undefined || before === null) {
    if (after === undefined || after === null) return [];
    if (isObject(after) && !path) return diffJson({}, after);
    return [{ path, kind: "added", after }];
  }
  if (after === undefined || after === null) {
    if (isObject(before) && !path) return diffJson(before, {});
    return [{ path, kind: "removed", before }];
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, kind: "changed", before, after }];
}

/** A value as one short line for the viewer. */
export function showValue(v: unknown): string {
  if (typeof v === "string") return v;
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
