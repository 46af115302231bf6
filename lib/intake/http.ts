import "server-only";
import { AppError, HTTP_STATUS, invalid, toUserError, type ErrorKind } from "../errors";
import { translator, type Locale } from "../i18n";
import { findNul } from "../input-text";

/** The intake API's wire format for errors: a stable code, a sentence, and per-field reasons. */
const CODES: Record<ErrorKind | "unexpected", string> = {
  invalid: "invalid_request",
  unauthenticated: "unauthenticated",
  forbidden: "forbidden",
  not_found: "not_found",
  conflict: "conflict",
  unavailable: "unavailable",
  unexpected: "internal_error",
};

export const MAX_BODY_BYTES = 64 * 1024;

/** API callers are machines; they get English unless they ask for Chinese. */
export function apiLocale(req: Request): Locale {
  const first = req.headers.get("accept-language")?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("zh") ? "zh-CN" : "en";
}

export function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** Maps any error to a JSON response; unexpected ones are logged by toUserError and never leak detail. */
export function errorResponse(err: unknown, locale: Locale): Response {
  const user = toUserError(err);
  const status = user.kind === "unexpected" ? 500 : HTTP_STATUS[user.kind];
  const message = user.kind === "unexpected" ? translator(locale)("intake.errors.unexpected") : user.message;
  const headers: Record<string, string> =
    user.kind === "unauthenticated" ? { "WWW-Authenticate": 'Bearer realm="refund-requests"' } : user.kind === "unavailable" ? { "Retry-After": "2" } : {};
  return json({ error: { code: CODES[user.kind], message, ...(user.details && { fields: user.details }) } }, status, headers);
}

export function unauthenticated(locale: Locale): AppError {
  return new AppError("unauthenticated", translator(locale)("intake.errors.unauthenticated"));
}

/** Reads a JSON body of bounded size; malformed or oversized bodies are a 400 naming the body. */
export async function readJson(req: Request, locale: Locale): Promise<unknown> {
  const t = translator(locale);
  const tooLarge = () => invalid(t("intake.errors.tooLarge", { max: MAX_BODY_BYTES }), { body: t("intake.errors.tooLarge", { max: MAX_BODY_BYTES }) });
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw invalid(t("intake.errors.malformedJson"), { body: t("intake.errors.malformedJson") });
  }
  const nul = findNul(body);
  if (nul) throw invalid(t("intake.errors.nulCharacter", { field: nul }), { [nul]: t("intake.errors.nulCharacter", { field: nul }) });
  return body;
}
