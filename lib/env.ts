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
    DEMO_TRICKLE: bool.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.NEXTAUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["NEXTAUTH_SECRET"], message: "is required when DATABASE_URL is set" });
    }
    if (env.DATABASE_URL && !env.REASONING_LOG_KEY) {
      ctx.addIssue({ code: "custom", path: ["REASONING_LOG_KEY"], message: "is required when DATABASE_URL is set" });
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
