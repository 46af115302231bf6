import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("needs nothing for the embedded demo", () => {
    const env = parseEnv({});
    expect(env.embedded).toBe(true);
    expect(env.AI_TIMEOUT_MS).toBe(800);
    expect(env.AI_RATE_LIMIT_PER_MINUTE).toBe(100);
  });

  it("names each missing secret when DATABASE_URL is set", () => {
    try {
      parseEnv({ DATABASE_URL: "postgres://u@h/db" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).message).toContain("NEXTAUTH_SECRET is required when DATABASE_URL is set");
      expect((err as EnvError).message).toContain("REASONING_LOG_KEY");
    }
  });

  it("names a malformed setting", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be a postgres/);
    expect(() => parseEnv({ AI_TIMEOUT_MS: "fast" })).toThrow(/AI_TIMEOUT_MS/);
    expect(() => parseEnv({ ALIPAY_GATEWAY_URL: "https://openapi.alipay.com" })).toThrow(/ALIPAY_APP_ID is required/);
  });

  it("accepts a complete server configuration", () => {
    const env = parseEnv({
      DATABASE_URL: "postgresql://u@h/db",
      NEXTAUTH_SECRET: "x".repeat(40),
      REASONING_LOG_KEY: Buffer.alloc(32, 7).toString("base64"),
    });
    expect(env.embedded).toBe(false);
  });
});
