"use server";

import { cookies } from "next/headers";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n";

export async function setLocale(locale: string) {
  if (!isLocale(locale)) return { ok: false as const, error: `Unknown language: ${String(locale).slice(0, 20)}` };
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "lax", httpOnly: false });
  return { ok: true as const };
}
