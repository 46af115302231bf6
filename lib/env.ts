import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "on", "off"])
  .transform((v) => v === "1" || v === "true" || v === "on");

const pem = z.string().min(1).describe("PEM text or a path to a PEM file");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    DATA_DIR: z.string().min(1).default(".data"),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    NEXTAUTH_URL: z.url().optional(),
    REASONING_LOG_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes, base64 encoded (openssl rand -base64 32)")
      .optional(),
    // Rotation: "kid:base64key,kid2:base64key"; REASONING_KEY_ID names the one that seals new logs.
    REASONING_KEYS: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/,
        "must be kid:base64key pairs separated by commas (kid: 1-32 letters, digits, _ or -; key: openssl rand -base64 32)",
      )
      .optional(),
    REASONING_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 letters, digits, _ or -").optional(),
    ALIPAY_GATEWAY_URL: z.url().optional(),
    ALIPAY_APP_ID: z.string().min(1).optional(),
    ALIPAY_APP_PRIVATE_KEY: pem.optional(),
    ALIPAY_PUBLIC_KEY: pem.optional(),
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    SANDBOX_LATENCY_MS: z
      .string()
      .regex(/^\d+(-\d+)?$/, "must be N or MIN-MAX milliseconds")
      .optional(),
    AI_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(800),
    AI_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
    EMBEDDED_WORKER: bool.optional(),
    // Connections per process to DATABASE_URL (see docs/scaling.md for the arithmetic with PgBouncer).
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    // Bearer token for /api/metrics and the worker's --metrics-port; without it /api/metrics is off.
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    DEMO_TRICKLE: bool.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.NEXTAUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["NEXTAUTH_SECRET"], message: "is required when DATABASE_URL is set" });
    }
    if (env.DATABASE_URL && !env.REASONING_LOG_KEY && !env.REASONING_KEYS) {
      ctx.addIssue({ code: "custom", path: ["REASONING_LOG_KEY"], message: "is required when DATABASE_URL is set (or REASONING_KEYS with REASONING_KEY_ID)" });
    }
    const kids = env.REASONING_KEYS?.split(",").map((pair) => pair.slice(0, pair.indexOf(":"))) ?? [];
    if (new Set(kids).size !== kids.length) ctx.addIssue({ code: "custom", path: ["REASONING_KEYS"], message: "names a key id twice" });
    if (kids.includes("legacy")) ctx.addIssue({ code: "custom", path: ["REASONING_KEYS"], message: 'must not use the key id "legacy" (that is REASONING_LOG_KEY)' });
    if (env.REASONING_KEY_ID && !kids.includes(env.REASONING_KEY_ID)) {
      ctx.addIssue({ code: "custom", path: ["REASONING_KEY_ID"], message: "must name a key in REASONING_KEYS" });
    }
    if (kids.length > 1 && !env.REASONING_KEY_ID) {
      ctx.addIssue({ code: "custom", path: ["REASONING_KEY_ID"], message: "is required when REASONING_KEYS holds more than one key" });
    }
    if (env.ALIPAY_GATEWAY_URL) {
      for (const key of ["ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when ALIPAY_GATEWAY_URL is set" });
      }
    }
  });

export type Env = z.infer<typeof schema> & { embedded: boolean; dataDir: string };

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Validates the environment. Throws an EnvError naming every bad setting. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "(env)"} ${i.message}`));
  }
  return {
    ...result.data,
    embedded: !result.data.DATABASE_URL,
    dataDir: path.resolve(result.data.DATA_DIR),
  };
}

let cached: Env | undefined;

/** The only reader of process.env. */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
