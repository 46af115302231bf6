import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { AlipaySdk } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRsaKeyPair, loadPem } from "./keys";
import {
  buildAuthString,
  buildParamsSignContent,
  buildRequestSignContent,
  isTimestampFresh,
  parseAuthorization,
  signParams,
  signRequest,
  signResponse,
  verifyParams,
  verifyRequest,
  verifyResponse,
} from "./sign";

const APP_ID = "2021000000000042";
const app = generateRsaKeyPair();
const alipay = generateRsaKeyPair();

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Records what the SDK sends and answers like Alipay (signed with the "Alipay" key). */
let server: Server;
let endpoint = "";
const captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      captured.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const body = JSON.stringify({ ok: true, echo: req.url });
      res.writeHead(200, { "content-type": "application/json", "alipay-trace-id": "t1", ...signResponse({ privateKey: alipay.privateKey, body }) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sdk(overrides: Partial<ConstructorParameters<typeof AlipaySdk>[0]> = {}): AlipaySdk {
  return new AlipaySdk({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: alipay.publicKey, endpoint, ...overrides });
}

describe("OpenAPI v3 request signing matches alipay-sdk byte for byte", () => {
  it.each([
    { name: "POST with a JSON body", method: "POST" as const, path: "/v3/alipay/trade/refund", options: { body: { out_trade_no: "T-1", refund_amount: "12.30", refund_reason: "尺码不合适" } } },
    { name: "GET with a query", method: "GET" as const, path: "/v3/alipay/merchant/tradecomplain/CE1", options: { query: { a: "1", b: "x y" } } },
    { name: "POST with an app auth token", method: "POST" as const, path: "/v3/alipay/ai/risk/score", options: { body: { amount: "1.00" }, appAuthToken: "202611BB0123" } },
  ])("$name", async ({ method, path: p, options }) => {
    const before = captured.length;
    const result = await sdk().curl(method, p, options);
    expect(result.responseHttpStatus).toBe(200);
    const req = captured[before];
    if (!req) throw new Error("no request captured");
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) throw new Error("no authorization");
    expect(auth.scheme).toBe("ALIPAY-SHA256withRSA");
    expect(auth.appId).toBe(APP_ID);
    expect(req.headers["alipay-request-id"]).toMatch(/^[0-9a-f]{32}$/);

    const ours = signRequest({
      appId: APP_ID,
      privateKey: app.privateKey,
      method,
      pathWithQuery: req.url,
      body: req.body,
      appAuthToken: req.headers["alipay-app-auth-token"] as string | undefined,
      nonce: auth.nonce,
      timestamp: Number(auth.timestamp),
    });
    expect(ours.authorization).toBe(req.headers.authorization);
    expect(ours.authString).toBe(auth.authString);
    expect(
      verifyRequest({ publicKey: app.publicKey, signature: auth.signature, authString: auth.authString, method: req.method, pathWithQuery: req.url, body: req.body, appAuthToken: req.headers["alipay-app-auth-token"] as string | undefined }),
    ).toBe(true);
    expect(verifyRequest({ publicKey: app.publicKey, signature: auth.signature, authString: auth.authString, method: req.method, pathWithQuery: req.url, body: `${req.body} `, appAuthToken: req.headers["alipay-app-auth-token"] as string | undefined })).toBe(false);
  });

  it("a request signed by sign.ts verifies with the SDK's RSA2 checker", () => {
    const input = { appId: APP_ID, privateKey: app.privateKey, method: "POST", pathWithQuery: "/v3/alipay/ai/risk/score", body: '{"amount":"9.99"}' };
    const signed = signRequest(input);
    const checker = new AlipaySdk({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: app.publicKey });
    const content = buildRequestSignContent({ authString: signed.authString, method: input.method, pathWithQuery: input.pathWithQuery, body: input.body });
    expect(checker.rsaCheck(content, signed.signature, "RSA2")).toBe(true);
    expect(checker.rsaCheck(content.replace("9.99", "9.98"), signed.signature, "RSA2")).toBe(false);
  });

  it("builds the auth string in the SDK's field order", () => {
    expect(buildAuthString({ appId: "1", nonce: "n", timestamp: 5 })).toBe("app_id=1,nonce=n,timestamp=5");
    expect(buildAuthString({ appId: "1", appCertSn: "sn", nonce: "n", timestamp: 5 })).toBe("app_id=1,app_cert_sn=sn,nonce=n,timestamp=5");
  });

  it("parses and rejects authorization headers", () => {
    expect(parseAuthorization(undefined)).toBeNull();
    expect(parseAuthorization("ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1")).toBeNull();
    const p = parseAuthorization("ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=7,sign=abc=");
    expect(p).toMatchObject({ appId: "1", nonce: "n", timestamp: "7", signature: "abc=", authString: "app_id=1,nonce=n,timestamp=7" });
  });

  it("checks timestamp freshness", () => {
    const now = 1_800_000_000_000;
    expect(isTimestampFresh(String(now - 299_000), now)).toBe(true);
    expect(isTimestampFresh(String(now - 301_000), now)).toBe(false);
    expect(isTimestampFresh("soon", now)).toBe(false);
  });
});

describe("response signing", () => {
  it("the SDK's curl verifies our signed responses and rejects a bad one", async () => {
    await expect(sdk().curl("POST", "/v3/x", { body: {} })).resolves.toMatchObject({ data: { ok: true } });
    const wrongKey = generateRsaKeyPair().publicKey;
    await expect(sdk({ alipayPublicKey: wrongKey }).curl("POST", "/v3/x", { body: {} })).rejects.toMatchObject({ code: "response-signature-verify-error" });
  });

  it("verifyResponse accepts exactly what signResponse produced", () => {
    const body = '{"risk_score":0.1234}';
    const h = signResponse({ privateKey: alipay.privateKey, body, timestamp: 1, nonce: "n" });
    const input = { publicKey: alipay.publicKey, timestamp: h["alipay-timestamp"], nonce: h["alipay-nonce"], signature: h["alipay-signature"], rawBody: body };
    expect(verifyResponse(input)).toBe(true);
    expect(verifyResponse({ ...input, rawBody: `${body} ` })).toBe(false);
    expect(verifyResponse({ ...input, signature: undefined })).toBe(false);
    expect(verifyResponse({ ...input, publicKey: app.publicKey })).toBe(false);
  });
});

describe("classic gateway.do params (RSA2)", () => {
  it("a notification signed with signParams passes the SDK's checkNotifySign", () => {
    const params: Record<string, string> = {
      notify_id: "abc",
      msg_method: "alipay.merchant.tradecomplain.changed",
      app_id: APP_ID,
      biz_content: JSON.stringify({ complain_event_id: "CE1" }),
      charset: "utf-8",
      version: "1.1",
      utc_timestamp: "1700000000000",
    };
    params.sign = signParams(params, alipay.privateKey);
    params.sign_type = "RSA2";
    expect(verifyParams(params, alipay.publicKey)).toBe(true);
    const checker = sdk();
    expect(checker.checkNotifySign({ ...params })).toBe(true);
    expect(checker.checkNotifySign({ ...params, app_id: "other" })).toBe(false);
  });

  it("reproduces the sign of the SDK's sdkExecute (sign_type included, as gateway requests do)", () => {
    const query = sdk().sdkExecute("alipay.trade.app.pay", { bizContent: { outTradeNo: "T-9", totalAmount: "0.01", subject: "测试" }, notifyUrl: "https://example.com/n" });
    const params = Object.fromEntries(query.split("&").map((kv) => kv.split("=").map(decodeURIComponent) as [string, string]));
    expect(params.sign).toBe(signParams(params, app.privateKey, { includeSignType: true }));
    expect(verifyParams(params, app.publicKey, { includeSignType: true })).toBe(true);
  });

  it("drops sign, sign_type and empty values, sorts, joins", () => {
    expect(buildParamsSignContent({ b: "2", a: "1", sign: "x", sign_type: "RSA2", e: "", n: null, o: { k: 1 } })).toBe('a=1&b=2&o={"k":1}');
  });
});

describe("keys", () => {
  it("loads PEM text, escaped one-line PEM, a file path, and a bare base64 body", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "keys-"));
    const file = path.join(dir, "k.pem");
    writeFileSync(file, app.privateKey);
    expect(loadPem(app.privateKey)).toBe(app.privateKey);
    expect(loadPem(app.privateKey.replace(/\n/g, "\\n"))).toBe(app.privateKey);
    expect(loadPem(file)).toBe(app.privateKey);
    const bare = alipay.publicKey.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    expect(loadPem(bare)).toBe(alipay.publicKey);
  });

  it("never echoes key material in errors", () => {
    const secret = "MIIsecret".repeat(40) + "!";
    expect(() => loadPem(secret)).toThrow(/characters/);
    try {
      loadPem(secret);
    } catch (e) {
      expect(String(e)).not.toContain("MIIsecret");
    }
  });
});
