import type { Role } from "../generated/prisma/enums";

/** Client-safe: the one table of what each role may do. The server and the UI both read it. */
export const SCOPES = [
  "review:read",
  "review:decide",
  "cases:read",
  "disputes:read",
  "disputes:decide",
  "reasoning:read",
  "thresholds:read",
  "thresholds:write",
  "insights:read",
  "costs:read",
  "costs:write",
  "audit:read",
  "apikeys:manage",
] as const;

export type Scope = (typeof SCOPES)[number];

export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  AGENT: ["review:read", "review:decide", "cases:read", "disputes:read", "disputes:decide"],
  ADMIN: SCOPES,
  FINANCE: ["cases:read", "costs:read", "costs:write", "insights:read"],
  AUDITOR: [
    "review:read",
    "cases:read",
    "disputes:read",
    "reasoning:read",
    "thresholds:read",
    "insights:read",
    "costs:read",
    "audit:read",
  ],
};

export function can(role: Role | null | undefined, scope: Scope): boolean {
  return role ? ROLE_SCOPES[role].includes(scope) : false;
}

export const NAV = [
  { key: "review", href: "review", scope: "review:read" },
  { key: "cases", href: "cases", scope: "cases:read" },
  { key: "disputes", href: "disputes", scope: "disputes:read" },
  { key: "thresholds", href: "thresholds", scope: "thresholds:read" },
  { key: "insights", href: "insights", scope: "insights:read" },
  { key: "costs", href: "costs", scope: "costs:read" },
  { key: "audit", href: "audit", scope: "audit:read" },
  { key: "apiKeys", href: "settings/api-keys", scope: "apikeys:manage" },
] as const satisfies readonly { key: string; href: string; scope: Scope }[];

export type NavKey = (typeof NAV)[number]["key"];

export function navFor(role: Role) {
  return NAV.filter((item) => can(role, item.scope));
}
