import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { generateRsaKeyPair, loadPem } from "@/lib/alipay/keys";
import { parseEnv } from "@/lib/env";

/** The sandbox's app and keys. The only reader of SANDBOX_APP_ID / _APP_PUBLIC_KEY / _ALIPAY_PRIVATE_KEY. */

export const DEMO_APP_ID = "2021000000000001";
/**
 * The demo's second merchant app and the app_auth_token with which it authorized the demo app.
 * Fixed so that the sandbox knows it however it runs (embedded, or `npm run sandbox` beside
 * `npm run db:seed`); it opens nothing without the demo app's private key, made per install.
 */
export const DEMO_AUTHORIZATION = { authAppId: "2021000000000002", token: "2021000000000002d3m0a7b9c1e5f24680acd9e3f7b2c4d6e8" } as const;

export interface DemoKeys {
  dir: string;
  appId: string;
  appPrivateKey: string;
  appPublicKey: string;
  alipayPrivateKey: string;
  alipayPublicKey: string;
  appPrivateKeyPath: string;
  appPublicKeyPath: string;
  alipayPrivateKeyPath: string;
  alipayPublicKeyPath: string;
  created: boolean;
}

/** Creates (once) and returns the demo key pairs under `<dataDir>/sandbox/`, shared by sandbox and client. */
export function ensureDemoKeys(dataDir: string): DemoKeys {
  const dir = path.join(dataDir, "sandbox");
  const paths = {
    appPrivateKeyPath: path.join(dir, "app-private-key.pem"),
    appPublicKeyPath: path.join(dir, "app-public-key.pem"),
    alipayPrivateKeyPath: path.join(dir, "alipay-private-key.pem"),
    alipayPublicKeyPath: path.join(dir, "alipay-public-key.pem"),
  };
  let created = false;
  if (!Object.values(paths).every((p) => existsSync(p))) {
    mkdirSync(dir, { recursive: true });
    const app = generateRsaKeyPair();
    const alipay = generateRsaKeyPair();
    // private keys readable by the owner only
    writeFileSync(paths.appPrivateKeyPath, app.privateKey, { mode: 0o600 });
    writeFileSync(paths.appPublicKeyPath, app.publicKey);
    writeFileSync(paths.alipayPrivateKeyPath, alipay.privateKey, { mode: 0o600 });
    writeFileSync(paths.alipayPublicKeyPath, alipay.publicKey);
    created = true;
  }
  const read = (p: string) => readFileSync(p, "utf8");
  return {
    dir,
    appId: DEMO_APP_ID,
    appPrivateKey: read(paths.appPrivateKeyPath),
    appPublicKey: read(paths.appPublicKeyPath),
    alipayPrivateKey: read(paths.alipayPrivateKeyPath),
    alipayPublicKey: read(paths.alipayPublicKeyPath),
    ...paths,
    created,
  };
}

const sandboxEnvSchema = z.object({
  SANDBOX_APP_ID: z.string().min(1).optional(),
  SANDBOX_APP_PUBLIC_KEY: z.string().min(1).optional(),
  SANDBOX_ALIPAY_PRIVATE_KEY: z.string().min(1).optional(),
});

export interface SandboxConfig {
  port: number;
  appId: string;
  /** PEM */
  appPublicKey: string;
  /** PEM */
  alipayPrivateKey: string;
  latencyMs: [number, number];
  rateLimitPerMinute: number;
  dataDir: string;
  stateFile: string;
  /** set when the demo keys are in use */
  demo: DemoKeys | null;
}

export function loadSandboxConfig(source: Record<string, string | undefined> = process.env): SandboxConfig {
  const env = parseEnv(source);
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const sandbox = sandboxEnvSchema.parse(cleaned);
  const given = [sandbox.SANDBOX_APP_ID, sandbox.SANDBOX_APP_PUBLIC_KEY, sandbox.SANDBOX_ALIPAY_PRIVATE_KEY].filter(Boolean).length;
  if (given !== 0 && given !== 3) {
    throw new Error("Set all of SANDBOX_APP_ID, SANDBOX_APP_PUBLIC_KEY and SANDBOX_ALIPAY_PRIVATE_KEY, or none for demo keys");
  }
  const demo = given === 0 ? ensureDemoKeys(env.dataDir) : null;
  return {
    port: env.SANDBOX_PORT,
    appId: demo?.appId ?? sandbox.SANDBOX_APP_ID ?? DEMO_APP_ID,
    appPublicKey: demo?.appPublicKey ?? loadPem(sandbox.SANDBOX_APP_PUBLIC_KEY ?? ""),
    alipayPrivateKey: demo?.alipayPrivateKey ?? loadPem(sandbox.SANDBOX_ALIPAY_PRIVATE_KEY ?? ""),
    latencyMs: parseLatency(env.SANDBOX_LATENCY_MS) ?? [200, 500],
    rateLimitPerMinute: env.AI_RATE_LIMIT_PER_MINUTE,
    dataDir: env.dataDir,
    stateFile: path.join(env.dataDir, "sandbox", "state.json"),
    demo,
  };
}

/** "300" or "200-500" -> [min, max] */
export function parseLatency(text: string | undefined): [number, number] | null {
  if (!text) return null;
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return [Math.min(lo, hi), Math.max(lo, hi)];
}
