import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { keyring, type Keyring } from "../crypto/reasoning";
import type { Env } from "../env";

export interface Secrets {
  sessionSecret: string;
  /** 32 bytes for AES-256-GCM: the legacy single key (REASONING_LOG_KEY; seals v1), else the active key. */
  reasoningKey: Buffer;
  /** The configured keys by id and the active one (seals v2); opens v1 with the legacy key. */
  reasoningKeyring: Keyring;
}

/**
 * REASONING_KEYS (+ REASONING_KEY_ID), with the legacy key (REASONING_LOG_KEY, or the embedded demo's
 * generated one) under the id "legacy". The active key is the named one, else the only one, else legacy.
 */
export function reasoningKeyring(env: Pick<Env, "REASONING_KEYS" | "REASONING_KEY_ID">, legacy: Buffer | undefined): Keyring {
  const pairs: [string, Buffer][] = (env.REASONING_KEYS?.split(",") ?? []).map((pair) => {
    const at = pair.indexOf(":");
    return [pair.slice(0, at), Buffer.from(pair.slice(at + 1), "base64")];
  });
  const active = env.REASONING_KEY_ID ?? (pairs.length === 1 ? pairs[0]![0] : "legacy");
  return keyring(legacy ? [...pairs, ["legacy", legacy]] : pairs, active, legacy);
}

/**
 * Secrets from the environment; for the embedded demo only, generated once into the data folder
 * so a new user needs no configuration. With DATABASE_URL the env check already requires them.
 */
export function resolveSecrets(env: Env): Secrets {
  let stored: { sessionSecret?: string; reasoningKey?: string } = {};
  const file = path.join(env.dataDir, "secrets.json");
  const needStored = env.embedded && (!env.NEXTAUTH_SECRET || !env.REASONING_LOG_KEY);
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
  const legacyText = env.REASONING_LOG_KEY ?? stored.reasoningKey;
  const legacy = legacyText ? Buffer.from(legacyText, "base64") : undefined;
  const ring = reasoningKeyring(env, legacy);
  return {
    sessionSecret: env.NEXTAUTH_SECRET ?? stored.sessionSecret!,
    reasoningKey: legacy ?? ring.keys.get(ring.activeKid)!,
    reasoningKeyring: ring,
  };
}

let cached: Secrets | undefined;
export function secrets(env: Env): Secrets {
  cached ??= resolveSecrets(env);
  return cached;
}
