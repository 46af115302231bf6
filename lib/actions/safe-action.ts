import "server-only";
import type { z } from "zod";
import { authorize, type Access } from "../auth/session";
import type { Scope } from "../auth/permissions";
import { invalid, toUserError, type UserError } from "../errors";
import { findNul } from "../input-text";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: UserError };

/**
 * The one chain every server action goes through: who (signed in), for which merchant and with
 * which scope (re-checked on every call), what (zod), then the domain call; errors mapped once.
 */
export function merchantAction<S extends z.ZodType, T>(scope: Scope, schema: S, run: (input: z.output<S>, access: Access) => Promise<T>) {
  return async (merchantId: unknown, raw: unknown): Promise<ActionResult<T>> => {
    try {
      if (typeof merchantId !== "string" || merchantId.length > 64) throw invalid("Unknown merchant.");
      const access = await authorize(merchantId, scope);
      const nul = findNul(raw);
      if (nul) throw invalid(`Invalid input: ${nul}: text may not contain the NUL character.`, { [nul]: "Text may not contain the NUL character." });
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const details = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "input", i.message]));
        throw invalid(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}`, details);
      }
      return { ok: true, data: await run(parsed.data, access) };
    } catch (err) {
      return { ok: false, error: toUserError(err) };
    }
  };
}
