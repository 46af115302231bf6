import { formatWithOptions } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("./test-identity")).useTestEnvironment("security-logs"));
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), ...(await import("./test-identity")).fakeNextAuth }));
vi.mock("next/headers", async () => (await import("./test-identity")).fakeHeaders);
vi.mock("next/cache", async (orig) => ({ ...(await orig<object>()), ...(await import("./test-identity")).fakeCache }));

import { POST as intake } from "@/app/api/v1/refund-requests/route";
import { GET as intakeStatus } from "@/app/api/v1/refund-requests/[caseId]/route";
import { createApiKeyAction } from "@/app/(console)/m/[merchantId]/settings/api-keys/actions";
import { readReasoningAction } from "@/app/(console)/m/[merchantId]/review/actions";
import { getServerSession } from "next-auth";
import { encode } from "next-auth/jwt";
import { authOptions } from "../auth/options";
import { hashPassword } from "../auth/passwords";
import { decryptReasoning, encryptReasoning } from "../crypto/reasoning";
import { useConnection } from "../db";
import { createTestDb, type TestDb } from "../testing/db";
import { makeCase, workflowHarness, type WorkflowHarness } from "../testing/workflow";
import { testKeys } from "../sandbox/test-helpers";
import { assessCase } from "../workflows/assess";
import { executeRefund } from "../workflows/execute";
import { A, caseWithReasoning, REASONING_PLAINTEXT, type Fixture } from "./expectations";
import { signInAs, TEST_SECRETS } from "./test-identity";

const PASSWORD = "Corr3ct-Horse-Battery-Staple!";

/** Everything written to the console, stdout or stderr while `fn` runs. */
async function capture(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(formatWithOptions({ depth: 12, showHidden: false }, ...args));
  const spies = (["log", "info", "warn", "error", "debug", "trace"] as const).map((m) => vi.spyOn(console, m).mockImplementation(record));
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const s of spies) s.mockRestore();
  }
  return lines.join("\n");
}

/** The recognisable pieces of a secret: the whole of it, and for PEM keys each line of the body. */
function pieces(secret: string): string[] {
  if (secret.includes("-----BEGIN")) return secret.split("\n").filter((l) => l.length >= 40 && !l.startsWith("-----"));
  return [secret];
}

describe("no secret, key or reasoning log text in any log line", () => {
  let t: TestDb;
  let h: WorkflowHarness;
  let admin: string;
  let logs = "";
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDb();
    useConnection(t);
    h = await workflowHarness(t, {}, { maxAttempts: 2 });
    h.deps.reasoningKey = Buffer.from(TEST_SECRETS.REASONING_LOG_KEY, "base64");
    await t.prisma.merchant.create({ data: { id: A, name: "A" } });
    admin = (await t.prisma.user.create({ data: { email: "admin@a.test", name: "Admin", passwordHash: await hashPassword(PASSWORD) } })).id;
    await t.prisma.membership.create({ data: { merchantId: A, userId: admin, role: "ADMIN" } });
    Object.assign(secrets, {
      password: PASSWORD,
      sessionSecret: TEST_SECRETS.NEXTAUTH_SECRET,
      reasoningKeyBase64: TEST_SECRETS.REASONING_LOG_KEY,
      reasoningKeyHex: Buffer.from(TEST_SECRETS.REASONING_LOG_KEY, "base64").toString("hex"),
      appPrivateKey: testKeys().app.privateKey,
      alipayPrivateKey: testKeys().alipay.privateKey,
      reasoningPlaintext: REASONING_PLAINTEXT,
    });
  });
  afterAll(async () => {
    signInAs(null);
    await h.close();
    await t.dispose();
  });

  it("captures what the code logs (the capture itself works)", async () => {
    const seen = await capture(async () => {
      console.error("canary-1", new Error("canary-2"));
      process.stderr.write("canary-3\n");
    });
    expect(seen).toMatch(/canary-1[\s\S]*canary-2[\s\S]*canary-3/);
  });

  it("exercises sign-in, sessions, the signed client, reasoning logs, API keys and the intake API", async () => {
    const fixture: Fixture = { t, prisma: t.prisma, actorId: admin, helperId: admin };
    logs = await capture(async () => {
      // Sign-in: right, wrong, malformed, then throttled.
      const authorize = (authOptions().providers[0] as unknown as { options: { authorize: (c: object, r: object) => Promise<unknown> } }).options.authorize;
      const headers = { "x-forwarded-for": "203.0.113.50" };
      expect(await authorize({ email: "admin@a.test", password: PASSWORD }, { headers })).toBeTruthy();
      expect(await authorize({ email: "admin@a.test", password: `${PASSWORD}x` }, { headers })).toBeNull();
      expect(await authorize({ email: "not-an-email", password: PASSWORD }, { headers })).toBeNull();
      let throttled = false;
      for (let i = 0; i < 25 && !throttled; i++) throttled = await authorize({ email: `x${i}@a.test`, password: PASSWORD }, { headers }).then(() => false, () => true);
      expect(throttled).toBe(true);

      // Sessions: a valid token, and a tampered one (next-auth logs the decode failure).
      const token = await encode({ token: { uid: admin, authAt: Math.floor(Date.now() / 1000) }, secret: TEST_SECRETS.NEXTAUTH_SECRET, maxAge: 3600 });
      secrets.sessionToken = token;
      const res = { getHeader() {}, setCookie() {}, setHeader() {} };
      for (const cookie of [token, `${token.slice(0, -4)}AAAA`]) {
        await getServerSession({ headers: {}, cookies: { "next-auth.session-token": cookie } } as never, res as never, authOptions());
      }

      // The signed client against the sandbox, clean and with faults.
      for (const faults of [[], [{ kind: "bad_signature" }], [{ kind: "server_error" }], [{ kind: "non_json" }], [{ kind: "error_200" }], [{ kind: "missing_signature" }]]) {
        h.sandbox.setFaults(faults as never);
        const c = await makeCase(t, h, { merchantId: A, paidAmountFen: 3_000 });
        await assessCase(h.deps, A, c.id);
        const approved = await makeCase(t, h, { merchantId: A, status: "APPROVED", approvedAmountFen: 1_000, paidAmountFen: 3_000 });
        await executeRefund(h.deps, A, approved.id).catch(() => undefined);
      }
      h.sandbox.setFaults([]);

      // Reasoning logs: read by an allowed role, and one sealed with another key.
      signInAs(admin);
      const c = await caseWithReasoning(fixture, A);
      expect(await readReasoningAction(A, { caseId: c.id })).toEqual({ ok: true, data: REASONING_PLAINTEXT });
      const other = await caseWithReasoning(fixture, A);
      await t.prisma.aiDecision.updateMany({ where: { caseId: other.id }, data: { reasoningLogEnc: encryptReasoning(REASONING_PLAINTEXT, Buffer.alloc(32, 9)) } });
      expect(await readReasoningAction(A, { caseId: other.id })).toMatchObject({ ok: false, error: { kind: "unexpected" } });

      // API keys: created through the action, used on the intake API in every way.
      const created = (await createApiKeyAction(A, { name: "log test" })) as { ok: true; data: { key: string } };
      const key = created.data.key;
      secrets.apiKey = key;
      secrets.apiKeySecretPart = key.split("_").at(-1)!;
      const body = { out_trade_no: "LOG-1", paid_amount: "10.00", refund_amount: "10.00", currency: "CNY", reason: "broken", customer: { id: "2088" }, merchant_category: "tea" };
      const post = (auth: string, payload: unknown, idem = "log-1") =>
        intake(new Request("http://console.test/api/v1/refund-requests", { method: "POST", headers: { authorization: auth, "idempotency-key": idem, "content-type": "application/json" }, body: JSON.stringify(payload) }));
      const first = (await (await post(`Bearer ${key}`, body)).json()) as { id: string };
      await post(`Bearer ${key}`, body);
      await post(`Bearer ${key}`, { ...body, refund_amount: "1.00" });
      await post(`Bearer ${key}`, { ...body, refund_amount: "99.00" }, "log-2");
      await post(`Bearer ${key.slice(0, -1)}Z`, body);
      await post(key, body);
      await intakeStatus(new Request(`http://console.test/api/v1/refund-requests/${first.id}`, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({ caseId: first.id }) });
    });

    // The AI's own reasoning texts from this run are secrets too.
    const decisions = await t.prisma.aiDecision.findMany({ where: { reasoningLogEnc: { not: null } }, select: { reasoningLogEnc: true } });
    decisions.forEach((d, i) => {
      try {
        secrets[`aiReasoning${i}`] = decryptReasoning(d.reasoningLogEnc!, h.deps.reasoningKey);
      } catch {
        // sealed with another key on purpose above
      }
    });
    expect(Object.keys(secrets).filter((k) => k.startsWith("aiReasoning")).length).toBeGreaterThan(0);
  });

  it("none of it appears in the captured output", () => {
    expect(logs.length).toBeGreaterThan(0);
    const leaked = Object.entries(secrets).flatMap(([name, secret]) => pieces(secret).filter((p) => p.length >= 8 && logs.includes(p)).map(() => name));
    expect([...new Set(leaked)]).toEqual([]);
  });
});
