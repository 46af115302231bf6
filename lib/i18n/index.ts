import { en, type Messages } from "./messages.en";
import { zhCN } from "./messages.zh-CN";

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const LOCALE_COOKIE = "console-locale";

export const MESSAGES: Record<Locale, Messages> = { en, "zh-CN": zhCN };

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

export type MessageKey = Leaves<Messages>;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The message at `prefix.value` (value as the AI or Alipay sent it, case-insensitive), or the value itself when there is none. */
export function labelOf(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value.toLowerCase()}` as MessageKey;
  const label = t(key);
  return label === key ? value : label;
}

export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  return (key, vars) => {
    let node: unknown = messages;
    for (const part of key.split(".")) node = (node as Record<string, unknown>)?.[part];
    const text = typeof node === "string" ? node : key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };
}
