import { createSign, createVerify, randomUUID, type KeyObject } from "node:crypto";

/** PEM text or a parsed key; pass a KeyObject on hot paths to skip PEM parsing per call. */
export type RsaKey = string | KeyObject;

export const AUTH_SCHEME = "ALIPAY-SHA256withRSA";
export const RESPONSE_HEADERS = {
  timestamp: "alipay-timestamp",
  nonce: "alipay-nonce",
  signature: "alipay-signature",
  traceId: "alipay-trace-id",
} as const;

export function rsaSign(content: string, privateKey: RsaKey): string {
  return createSign("RSA-SHA256").update(content, "utf8").sign(privateKey, "base64");
}

export function rsaVerify(content: string, signature: string, publicKey: RsaKey): boolean {
  try {
    return createVerify("RSA-SHA256").update(content, "utf8").verify(publicKey, signature, "base64");
  } catch {
    // a malformed key or signature is a failed verification, not a crash
    return false;
  }
}

/** 32 hex characters, the shape alipay-sdk uses for `alipay-request-id`. */
export function createRequestId(): string {
  return randomUUID().replaceAll("-", "");
}

// ---------------------------------------------------------------- OpenAPI v3 requests

export interface AuthStringParts {
  appId: string;
  nonce: string;
  timestamp: number | string;
  /** certificate mode only; placed right after app_id as alipay-sdk does */
  appCertSn?: string;
}

export function buildAuthString({ appId, nonce, timestamp, appCertSn }: AuthStringParts): string {
  const cert = appCertSn ? `,app_cert_sn=${appCertSn}` : "";
  return `app_id=${appId}${cert},nonce=${nonce},timestamp=${timestamp}`;
}

export interface RequestContent {
  authString: string;
  method: string;
  /** the raw request target: path plus `?query` exactly as sent */
  pathWithQuery: string;
  /** the exact body bytes as text; "" for GET */
  body: string;
  appAuthToken?: string;
}

export function buildRequestSignContent({ authString, method, pathWithQuery, body, appAuthToken }: RequestContent): string {
  const base = `${authString}\n${method.toUpperCase()}\n${pathWithQuery}\n${body}\n`;
  return appAuthToken ? `${base}${appAuthToken}\n` : base;
}

export interface SignRequestInput {
  appId: string;
  privateKey: RsaKey;
  method: string;
  pathWithQuery: string;
  body: string;
  appAuthToken?: string;
  appCertSn?: string;
  nonce?: string;
  timestamp?: number;
}

export interface SignedRequest {
  /** the full `authorization` header value */
  authorization: string;
  authString: string;
  signature: string;
  nonce: string;
  timestamp: number;
}

export function signRequest(input: SignRequestInput): SignedRequest {
  const nonce = input.nonce ?? randomUUID();
  const timestamp = input.timestamp ?? Date.now();
  const authString = buildAuthString({ appId: input.appId, nonce, timestamp, appCertSn: input.appCertSn });
  const content = buildRequestSignContent({
    authString,
    method: input.method,
    pathWithQuery: input.pathWithQuery,
    body: input.body,
    appAuthToken: input.appAuthToken,
  });
  const signature = rsaSign(content, input.privateKey);
  return { authorization: `${AUTH_SCHEME} ${authString},sign=${signature}`, authString, signature, nonce, timestamp };
}

export interface ParsedAuthorization {
  scheme: string;
  /** everything between the scheme and `,sign=`, exactly as received */
  authString: string;
  signature: string;
  appId: string;
  nonce: string;
  /** as received; parse with Number() */
  timestamp: string;
  appCertSn?: string;
  fields: Record<string, string>;
}

/** Returns null when the header is not a v3 authorization; missing fields come back as "". */
export function parseAuthorization(header: string | undefined | null): ParsedAuthorization | null {
  if (!header) return null;
  const space = header.indexOf(" ");
  if (space <= 0) return null;
  const scheme = header.slice(0, space);
  const rest = header.slice(space + 1);
  // base64 has no commas, so the last ",sign=" is the separator
  const at = rest.lastIndexOf(",sign=");
  if (at < 0) return null;
  const authString = rest.slice(0, at);
  const signature = rest.slice(at + ",sign=".length);
  const fields: Record<string, string> = {};
  for (const part of authString.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return {
    scheme,
    authString,
    signature,
    appId: fields.app_id ?? "",
    nonce: fields.nonce ?? "",
    timestamp: fields.timestamp ?? "",
    appCertSn: fields.app_cert_sn,
    fields,
  };
}

export interface VerifyRequestInput extends RequestContent {
  publicKey: RsaKey;
  signature: string;
}

/** Signature check only; freshness and replay need a clock and a nonce store (see isTimestampFresh). */
export function verifyRequest({ publicKey, signature, ...content }: VerifyRequestInput): boolean {
  return rsaVerify(buildRequestSignContent(content), signature, publicKey);
}

/** True when `timestamp` (epoch ms, as text or number) is within `maxSkewMs` of `now`. */
export function isTimestampFresh(timestamp: string | number, now: number, maxSkewMs = 5 * 60_000): boolean {
  const ts = typeof timestamp === "number" ? timestamp : /^\d{10,16}$/.test(timestamp) ? Number(timestamp) : NaN;
  return Number.isFinite(ts) && Math.abs(now - ts) <= maxSkewMs;
}

// ---------------------------------------------------------------- OpenAPI v3 responses

export function buildResponseSignContent(timestamp: string | number, nonce: string, rawBody: string): string {
  return `${timestamp}\n${nonce}\n${rawBody}\n`;
}

export interface SignResponseInput {
  privateKey: RsaKey;
  body: string;
  timestamp?: number | string;
  nonce?: string;
}

export interface ResponseSignatureHeaders {
  "alipay-timestamp": string;
  "alipay-nonce": string;
  "alipay-signature": string;
}

export function signResponse({ privateKey, body, timestamp, nonce }: SignResponseInput): ResponseSignatureHeaders {
  const ts = String(timestamp ?? Date.now());
  const n = nonce ?? randomUUID();
  return {
    "alipay-timestamp": ts,
    "alipay-nonce": n,
    "alipay-signature": rsaSign(buildResponseSignContent(ts, n, body), privateKey),
  };
}

export interface VerifyResponseInput {
  publicKey: RsaKey;
  timestamp: string | undefined | null;
  nonce: string | undefined | null;
  signature: string | undefined | null;
  rawBody: string;
}

/** False when any signature header is missing: an unsigned response never verifies. */
export function verifyResponse({ publicKey, timestamp, nonce, signature, rawBody }: VerifyResponseInput): boolean {
  if (!timestamp || !nonce || !signature) return false;
  return rsaVerify(buildResponseSignContent(timestamp, nonce, rawBody), signature, publicKey);
}

// ---------------------------------------------------------------- classic gateway.do (RSA2)

export type ParamValue = string | number | boolean | null | undefined | object;

export interface ParamsSignOptions {
  /** gateway requests sign sign_type too; notifications do not (the default) */
  includeSignType?: boolean;
}

/** Drops `sign` (and `sign_type` unless asked), drops empty values, sorts, joins `k=v&...`. */
export function buildParamsSignContent(params: Record<string, ParamValue>, options: ParamsSignOptions = {}): string {
  return Object.keys(params)
    .filter((key) => key !== "sign" && (options.includeSignType || key !== "sign_type"))
    .filter((key) => {
      const value = params[key];
      return value !== undefined && value !== null && value !== "";
    })
    .sort()
    .map((key) => {
      const value = params[key];
      return `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`;
    })
    .join("&");
}

export function signParams(params: Record<string, ParamValue>, privateKey: RsaKey, options?: ParamsSignOptions): string {
  return rsaSign(buildParamsSignContent(params, options), privateKey);
}

/** Verifies `params.sign` (RSA2) over the other params; false when `sign` is absent. */
export function verifyParams(params: Record<string, ParamValue>, publicKey: RsaKey, options?: ParamsSignOptions): boolean {
  const sign = params.sign;
  if (typeof sign !== "string" || sign === "") return false;
  return rsaVerify(buildParamsSignContent(params, options), sign, publicKey);
}
