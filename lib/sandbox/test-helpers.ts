import { generateRsaKeyPair } from "@/lib/alipay/keys";
import { createRequestId, signRequest, verifyResponse } from "@/lib/alipay/sign";
import { startSandbox, type Sandbox, type SandboxOptions } from "./server";

/** Test-only: a minimal signed caller, independent of the product client, to probe the sandbox. */

export const TEST_APP_ID = "2021000000009999";

export interface TestKeys {
  app: { privateKey: string; publicKey: string };
  alipay: { privateKey: string; publicKey: string };
}

let cachedKeys: TestKeys | undefined;
export function testKeys(): TestKeys {
  cachedKeys ??= { app: generateRsaKeyPair(), alipay: generateRsaKeyPair() };
  return cachedKeys;
}

export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const keys = testKeys();
  return startSandbox({
    appId: TEST_APP_ID,
    appPublicKey: keys.app.publicKey,
    alipayPrivateKey: keys.alipay.privateKey,
    latencyMs: [0, 0],
    batchCompletionMs: 0,
    ...options,
  });
}

export interface CallOptions {
  privateKey?: string;
  appId?: string;
  timestamp?: number;
  nonce?: string;
  requestId?: string;
  signal?: AbortSignal;
  /** send these exact headers instead of signing (replays) */
  headers?: Record<string, string>;
  /** signed and sent as alipay-app-auth-token */
  appAuthToken?: string;
  /** send this token instead of the signed one (a token swapped in transit) */
  sendToken?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** the response signature verifies with the Alipay public key */
  verified: boolean;
  sentHeaders: Record<string, string>;
}

export async function call(sandbox: Sandbox, method: "GET" | "POST", pathWithQuery: string, body?: unknown, options: CallOptions = {}): Promise<CallResult> {
  const keys = testKeys();
  const text = method === "GET" ? "" : JSON.stringify(body ?? {});
  const signed = signRequest({
    appId: options.appId ?? TEST_APP_ID,
    privateKey: options.privateKey ?? keys.app.privateKey,
    method,
    pathWithQuery,
    body: text,
    timestamp: options.timestamp,
    nonce: options.nonce,
    appAuthToken: options.appAuthToken,
  });
  const token = options.sendToken ?? options.appAuthToken;
  const sentHeaders = options.headers ?? {
    authorization: signed.authorization,
    "alipay-request-id": options.requestId ?? createRequestId(),
    accept: "application/json",
    ...(method === "POST" ? { "content-type": "application/json" } : {}),
    ...(token !== undefined && { "alipay-app-auth-token": token }),
  };
  const res = await fetch(`${sandbox.url}${pathWithQuery}`, { method, headers: sentHeaders, body: method === "GET" ? undefined : text, signal: options.signal });
  const raw = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(raw);
  } catch {
    json = null;
  }
  const verified = verifyResponse({
    publicKey: keys.alipay.publicKey,
    timestamp: res.headers.get("alipay-timestamp"),
    nonce: res.headers.get("alipay-nonce"),
    signature: res.headers.get("alipay-signature"),
    rawBody: raw,
  });
  return { status: res.status, headers: res.headers, text: raw, json, verified, sentHeaders };
}
