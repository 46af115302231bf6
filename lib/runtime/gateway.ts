import path from "node:path";
import { loadPem } from "../alipay/keys";
import type { Env } from "../env";
import { DEMO_AUTHORIZATION, ensureDemoKeys } from "../sandbox/config";
import { startSandbox, type ComplaintNotification, type Sandbox } from "../sandbox/server";

export interface GatewayConfig {
  baseUrl: string;
  appId: string;
  appPrivateKey: string;
  alipayPublicKey: string;
}

function latency(spec: string | undefined): [number, number] {
  if (!spec) return [200, 500];
  const [min, max = min] = spec.split("-").map(Number) as [number, number?];
  return [min, max!];
}

/**
 * The Alipay gateway the client talks to: the configured one, or (embedded default) the sandbox
 * started in this process with demo keys from the data folder. The client cannot tell which.
 */
export async function resolveGateway(env: Env, notify?: (n: ComplaintNotification) => Promise<void>): Promise<{ config: GatewayConfig; sandbox: Sandbox | null }> {
  if (env.ALIPAY_GATEWAY_URL) {
    return {
      config: {
        baseUrl: env.ALIPAY_GATEWAY_URL,
        appId: env.ALIPAY_APP_ID!,
        appPrivateKey: loadPem(env.ALIPAY_APP_PRIVATE_KEY!),
        alipayPublicKey: loadPem(env.ALIPAY_PUBLIC_KEY!),
      },
      sandbox: null,
    };
  }
  if (!env.embedded) {
    throw new Error("ALIPAY_GATEWAY_URL (and the app's keys) must be set to call Alipay with DATABASE_URL; for a local gateway run `npm run sandbox`.");
  }
  const keys = ensureDemoKeys(env.dataDir);
  const sandbox = await startSandbox({
    port: env.SANDBOX_PORT,
    appId: keys.appId,
    appPublicKey: keys.appPublicKey,
    alipayPrivateKey: keys.alipayPrivateKey,
    latencyMs: latency(env.SANDBOX_LATENCY_MS),
    rateLimitPerMinute: env.AI_RATE_LIMIT_PER_MINUTE,
    stateFile: path.join(env.dataDir, "sandbox", "state.json"),
    authorizations: { [DEMO_AUTHORIZATION.token]: DEMO_AUTHORIZATION.authAppId },
    log: () => undefined,
    ...(notify && { notify }),
  });
  return {
    config: { baseUrl: sandbox.url, appId: keys.appId, appPrivateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey },
    sandbox,
  };
}
