import { createAlipayClient } from "../alipay/client";
import { merchantAppAuthTokens } from "../alipay/app-auth";
import { prismaLedger } from "../alipay/ledger";
import { memoryRateLimiter } from "../alipay/rate-limit";
import type { CaseKind } from "../generated/prisma/enums";
import { startTestSandbox, testKeys, TEST_APP_ID } from "../sandbox/test-helpers";
import type { Sandbox, SandboxOptions } from "../sandbox/server";
import type { WorkflowDeps } from "../workflows/deps";
import type { TestDb } from "./db";

export interface WorkflowHarness {
  deps: WorkflowDeps;
  sandbox: Sandbox;
  close(): Promise<void>;
}

/** The real client against a real sandbox over HTTP, writing to the test database. */
export async function workflowHarness(t: TestDb, options: Partial<SandboxOptions> = {}, { maxAttempts = 3 } = {}): Promise<WorkflowHarness> {
  const sandbox = await startTestSandbox({ rateLimitPerMinute: 100_000, ...options });
  const client = createAlipayClient({
    baseUrl: sandbox.url,
    appId: TEST_APP_ID,
    appPrivateKey: testKeys().app.privateKey,
    alipayPublicKey: testKeys().alipay.publicKey,
    timeoutMs: 800,
    deadlineMs: 5_000,
    maxAttempts,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ledger: prismaLedger(t.prisma),
    rateLimiter: memoryRateLimiter({ perMinute: 100_000 }),
    appAuthTokenFor: merchantAppAuthTokens(t.prisma, TEST_APP_ID),
  });
  return { deps: { prisma: t.prisma, client, reasoningKey: Buffer.alloc(32, 3) }, sandbox, close: () => sandbox.close() };
}

let seq = 0;

export async function ensureMerchant(t: TestDb, id = "m-test") {
  await t.prisma.merchant.upsert({ where: { id }, create: { id, name: `Merchant ${id}` }, update: {} });
  return id;
}

/** A case in the given state, with its trade known to the sandbox. */
export async function makeCase(
  t: TestDb,
  h: WorkflowHarness | null,
  overrides: { merchantId?: string; kind?: CaseKind; paidAmountFen?: number; requestedAmountFen?: number; status?: "NEW" | "REVIEW" | "APPROVED" | "ESCALATED"; approvedAmountFen?: number; createdAt?: Date } = {},
) {
  const merchantId = await ensureMerchant(t, overrides.merchantId);
  const n = ++seq;
  const paid = overrides.paidAmountFen ?? 10_000;
  const outTradeNo = `T${Date.now()}${n}`;
  if (h) h.sandbox.createTrade({ out_trade_no: outTradeNo, total_amount: (paid / 100).toFixed(2) });
  return t.prisma.case.create({
    data: {
      merchantId,
      kind: overrides.kind ?? "REFUND",
      status: overrides.status ?? "NEW",
      outTradeNo,
      outRequestNo: `RF-${outTradeNo}`,
      paidAmountFen: paid,
      requestedAmountFen: overrides.requestedAmountFen ?? paid,
      approvedAmountFen: overrides.approvedAmountFen ?? null,
      reasonText: "Item not as described",
      customerId: `2088${n}`,
      merchantCategory: "tea",
      route: overrides.status === "REVIEW" ? "REVIEW" : null,
      routeReasons: overrides.status === "REVIEW" ? ["GREY_BAND"] : [],
      ...(overrides.kind === "DISPUTE" && { complainEventId: `CE${outTradeNo}`, disputeDeadline: new Date(Date.now() + 3 * 86_400_000) }),
      ...(overrides.createdAt && { createdAt: overrides.createdAt }),
    },
  });
}
