import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { resolveSecrets } from "../runtime/secrets";
import { decryptReasoning, encryptReasoning, sealedKeyId } from "./reasoning";

const b64 = () => randomBytes(32).toString("base64");
const server = { DATABASE_URL: "postgres://u@h/db", NEXTAUTH_SECRET: "x".repeat(40) };

describe("reasoning keys from configuration", () => {
  it("reads a keyring with an active key id, and keeps REASONING_LOG_KEY as the legacy key", () => {
    const [k1, k2, legacy] = [b64(), b64(), b64()];
    const env = parseEnv({ ...server, DATA_DIR: mkdtempSync(path.join(tmpdir(), "keys-")), REASONING_KEYS: `k1:${k1},k2:${k2}`, REASONING_KEY_ID: "k2", REASONING_LOG_KEY: legacy });
    const { reasoningKeyring: ring, reasoningKey } = resolveSecrets(env);
    expect(ring.activeKid).toBe("k2");
    expect([...ring.keys.keys()].sort()).toEqual(["k1", "k2", "legacy"]);
    expect(reasoningKey.toString("base64")).toBe(legacy);
    const oldV1 = encryptReasoning("v1 record", Buffer.from(legacy, "base64"));
    expect(decryptReasoning(oldV1, ring)).toBe("v1 record");
    expect(sealedKeyId(encryptReasoning("new", ring))).toBe("k2");
  });

  it("needs no REASONING_LOG_KEY with REASONING_KEYS, and generates nothing on a server", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "keys-"));
    const env = parseEnv({ ...server, DATA_DIR: dir, REASONING_KEYS: `only:${b64()}` });
    const { reasoningKeyring: ring } = resolveSecrets(env);
    expect(ring.activeKid).toBe("only");
    expect(ring.legacy).toBeUndefined();
    expect(() => readFileSync(path.join(dir, "secrets.json"))).toThrow();
  });

  it("generates one key only for the embedded demo, and keeps it across starts", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "keys-"));
    const first = resolveSecrets(parseEnv({ DATA_DIR: dir }));
    const again = resolveSecrets(parseEnv({ DATA_DIR: dir }));
    expect(first.reasoningKeyring.activeKid).toBe("legacy");
    expect(again.reasoningKey.equals(first.reasoningKey)).toBe(true);
    expect(decryptReasoning(encryptReasoning("demo", first.reasoningKeyring), again.reasoningKeyring)).toBe("demo");
  });

  it("names each bad reasoning-key setting", () => {
    expect(() => parseEnv({ ...server })).toThrow(/REASONING_LOG_KEY is required when DATABASE_URL is set/);
    expect(() => parseEnv({ ...server, REASONING_KEYS: "k1:short" })).toThrow(/REASONING_KEYS must be kid:base64key/);
    expect(() => parseEnv({ ...server, REASONING_KEYS: `k1:${b64()},k2:${b64()}` })).toThrow(/REASONING_KEY_ID is required/);
    expect(() => parseEnv({ ...server, REASONING_KEYS: `k1:${b64()}`, REASONING_KEY_ID: "k9" })).toThrow(/REASONING_KEY_ID must name a key/);
    expect(() => parseEnv({ ...server, REASONING_KEYS: `k1:${b64()},k1:${b64()}`, REASONING_KEY_ID: "k1" })).toThrow(/names a key id twice/);
    expect(() => parseEnv({ ...server, REASONING_KEYS: `legacy:${b64()}` })).toThrow(/must not use the key id "legacy"/);
  });
});
