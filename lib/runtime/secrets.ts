import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "../env";

export interface Secrets {
  sessionSecret: string;
  /** 32 bytes for AES-256-GCM over reasoning logs. */
  reasoningKey: Buffer;
}

/**
 * Secrets from the environment; for the embedded demo only, generated once into the data folder
 * so a new user needs no configuration. With DATABASE_URL the env check already requires them.
 */
export function resolveSecrets(env: Env): Secrets {
  let stored: { sessionSecret?: string; reasoningKey?: string } = {};
  const file = path.join(env.dataDir, "secrets.json");
  const needStored = !env.NEXTAUTH_SECRET || !env.REASONING_LOG_KEY;
  if (needStored) {
    if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8"));
    if (!stored.sessionSecret || !stored.reasoningKey) {
      stored = {
        sessionSecret: stored.sessionSecret ?? randomBytes(32).toString("base64url"),
        reasoningKey: stored.reasoningKey ?? randomBytes(32).toString("base64"),
      };
      mkdirSync(env.dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    }
  }
  return {
    sessionSecret: env.NEXTAUTH_SECRET ?? stored.sessionSecret!,
    reasoningKey: Buffer.from(env.REASONING_LOG_KEY ?? stored.reasoningKey!, "base64"),
  };
}

let cached: Secrets | undefined;
export function secrets(env: Env): Secrets {
  cached ??= resolveSecrets(env);
  return cached;
}
