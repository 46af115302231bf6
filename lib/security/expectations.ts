import type { Scope } from "../auth/permissions";
import { encryptReasoning } from "../crypto/reasoning";
import type { PrismaClient } from "../generated/prisma/client";
import { createApiKey } from "../intake/api-keys";
import type { TestDb } from "../testing/db";
import { makeCase } from "../testing/workflow";
import { TEST_SECRETS } from "./test-identity";

/**
 * Test support: what every server action and route handler may be used for. The matrix test finds
 * actions and handlers on disk and fails for any that is not in these tables, so a new one must be
 * classified here before the suite passes.
 */

export const A = "m-a";
export const B = "m-b";

export interface Fixture {
  t: TestDb;
  prisma: PrismaClient;
  /** the user calling, when a scenario depends on it */
  actorId: string;
  /** an admin of merchant A other than the actor (proposes policies for the four-eyes check) */
  helperId: string;
}

/** A valid call: (merchantId, input) for merchant actions, the route's arguments for handlers. */
type Prepare = (f: Fixture, merchantId: string) => Promise<unknown>;

export type ActionSpec =
  | {
      kind: "merchant";
      scope: Scope;
      /** a call that succeeds for a role with the scope, and would change data if it ran */
      valid: Prepare;
      /**
       * The same action by an admin of B, on B, naming an entity of A: refused, or a harmless no-op
       * ("noop": the action answers but touches nothing of A).
       */
      foreign?: { entity: "case" | "decision" | "policy" | "apikey" | "job" | "alert"; input: (f: Fixture) => Promise<unknown>; outcome?: "refused" | "noop" };
    }
  | { kind: "public"; why: string; valid: () => unknown[] };

const reviewCase = (f: Fixture, merchantId: string, over: Parameters<typeof makeCase>[2] = {}) =>
  makeCase(f.t, null, { merchantId, status: "REVIEW", ...over });

const reasoningKey = () => Buffer.from(TEST_SECRETS.REASONING_LOG_KEY, "base64");

export const REASONING_PLAINTEXT = "Customer 2088… shows 3 refunds in 7 days; device shared with a chargeback account.";

export async function caseWithReasoning(f: Fixture, merchantId: string) {
  const c = await reviewCase(f, merchantId);
  await f.prisma.aiDecision.create({
    data: {
      merchantId,
      caseId: c.id,
      endpoint: "risk",
      conversationId: `conv-${c.id}`,
      policyVersion: 1,
      route: "REVIEW",
      reasoningLogEnc: encryptReasoning(REASONING_PLAINTEXT, reasoningKey()),
    },
  });
  return c;
}

async function failedRefund(f: Fixture, merchantId: string) {
  const c = await makeCase(f.t, null, { merchantId, status: "APPROVED", approvedAmountFen: 5_000 });
  await f.prisma.case.update({ where: { id: c.id }, data: { status: "FAILED", lastError: "gateway said no" } });
  await f.prisma.job.create({ data: { merchantId, kind: "execute_refund", caseId: c.id, status: "FAILED", attempts: 8, lastError: "gateway said no" } });
  return c;
}

async function failedDispute(f: Fixture, merchantId: string) {
  const c = await makeCase(f.t, null, { merchantId, kind: "DISPUTE", status: "REVIEW" });
  await f.prisma.case.update({ where: { id: c.id }, data: { status: "FAILED", feedbackCode: "02", feedbackContent: "We have refunded you.", lastError: "INVALID_CONTENT: refused" } });
  return c;
}

async function pendingPolicy(f: Fixture, merchantId: string) {
  const last = await f.prisma.thresholdPolicy.findFirst({ where: { merchantId }, orderBy: { version: "desc" }, select: { version: true } });
  const version = (last?.version ?? 0) + 1;
  await f.prisma.thresholdPolicy.create({
    data: { merchantId, version, autoApproveBelow: "0.2", autoRejectAtOrAbove: "0.9", confidenceFloor: "0.5", hitlLimitFen: 20_000, status: "PENDING", createdById: f.helperId },
  });
  return version;
}

export const VALID_POLICY = {
  autoApproveBelow: "0.3",
  autoRejectAtOrAbove: "0.8",
  confidenceFloor: "0.6",
  hitlLimit: "200",
  highRiskAction: "AUTO_REJECT",
  aiUnavailable: "REVIEW",
  overrides: [{ category: "tea", hitlLimit: "100" }],
  note: "matrix",
};

const REVIEW = "app/(console)/m/[merchantId]/review/actions.ts";
const COSTS = "app/(console)/m/[merchantId]/costs/actions.ts";
const INSIGHTS = "app/(console)/m/[merchantId]/insights/actions.ts";

let alertDay = 0;
async function driftAlert(f: Fixture, merchantId: string) {
  const day = new Date(Date.UTC(2026, 0, 1) + alertDay++ * 86_400_000);
  return (await f.prisma.driftAlert.create({ data: { merchantId, kind: "PSI_SCORE", day, value: "0.3" } })).id;
}
const KEYS = "app/(console)/m/[merchantId]/settings/api-keys/actions.ts";
const THRESHOLDS = "app/(console)/m/[merchantId]/thresholds/actions.ts";

export const ACTIONS: Record<string, ActionSpec> = {
  "app/actions.ts#setLocale": { kind: "public", why: "the language cookie; touches no data", valid: () => ["zh-CN"] },

  [`${REVIEW}#claimCaseAction`]: {
    kind: "merchant",
    scope: "review:decide",
    valid: async (f, m) => ({ caseId: (await reviewCase(f, m)).id }),
    foreign: { entity: "case", input: async (f) => ({ caseId: (await reviewCase(f, A)).id }) },
  },
  [`${REVIEW}#releaseCaseAction`]: {
    kind: "merchant",
    scope: "review:decide",
    valid: async (f, m) => {
      const c = await reviewCase(f, m);
      await f.prisma.case.update({ where: { id: c.id }, data: { claimedById: f.actorId, claimedAt: new Date(), claimExpiresAt: new Date(Date.now() + 600_000) } });
      return { caseId: c.id };
    },
    foreign: {
      entity: "case",
      outcome: "noop",
      input: async (f) => {
        const c = await reviewCase(f, A);
        await f.prisma.case.update({ where: { id: c.id }, data: { claimedById: f.actorId, claimedAt: new Date(), claimExpiresAt: new Date(Date.now() + 600_000) } });
        return { caseId: c.id };
      },
    },
  },
  [`${REVIEW}#nextCaseAction`]: {
    kind: "merchant",
    scope: "review:decide",
    valid: async (f, m) => {
      await reviewCase(f, m);
      return { filters: {} };
    },
    foreign: {
      entity: "case",
      outcome: "noop",
      input: async (f) => {
        const c = await reviewCase(f, A);
        await f.prisma.case.update({ where: { id: c.id }, data: { claimedById: f.actorId, claimedAt: new Date(), claimExpiresAt: new Date(Date.now() + 600_000) } });
        return { filters: {}, leaving: c.id };
      },
    },
  },
  [`${REVIEW}#decideCaseAction`]: {
    kind: "merchant",
    scope: "review:decide",
    valid: async (f, m) => ({ caseId: (await reviewCase(f, m)).id, version: 0, action: "approve", reasonCode: "APPROVE_VALID_CLAIM" }),
    foreign: { entity: "case", input: async (f) => ({ caseId: (await reviewCase(f, A)).id, version: 0, action: "approve", reasonCode: "APPROVE_VALID_CLAIM" }) },
  },
  [`${REVIEW}#bulkDecideAction`]: {
    kind: "merchant",
    scope: "review:decide",
    valid: async (f, m) => ({ caseIds: [(await reviewCase(f, m)).id, (await reviewCase(f, m)).id], action: "reject", reasonCode: "REJECT_NO_EVIDENCE" }),
    foreign: { entity: "case", input: async (f) => ({ caseIds: [(await reviewCase(f, A)).id], action: "reject", reasonCode: "REJECT_NO_EVIDENCE" }) },
  },
  [`${REVIEW}#submitFeedbackAction`]: {
    kind: "merchant",
    scope: "disputes:decide",
    valid: async (f, m) => ({ caseId: (await reviewCase(f, m, { kind: "DISPUTE" })).id, version: 0, feedbackCode: "02", content: "We have refunded you." }),
    foreign: { entity: "case", input: async (f) => ({ caseId: (await reviewCase(f, A, { kind: "DISPUTE" })).id, version: 0, feedbackCode: "02", content: "We have refunded you." }) },
  },
  [`${REVIEW}#retryRefundAction`]: {
    kind: "merchant",
    scope: "review:decide",
    valid: async (f, m) => ({ caseId: (await failedRefund(f, m)).id }),
    foreign: { entity: "job", input: async (f) => ({ caseId: (await failedRefund(f, A)).id }) },
  },
  [`${REVIEW}#reopenDisputeAction`]: {
    kind: "merchant",
    scope: "disputes:decide",
    valid: async (f, m) => ({ caseId: (await failedDispute(f, m)).id }),
    foreign: { entity: "case", input: async (f) => ({ caseId: (await failedDispute(f, A)).id }) },
  },
  [`${REVIEW}#readReasoningAction`]: {
    kind: "merchant",
    scope: "reasoning:read",
    valid: async (f, m) => ({ caseId: (await caseWithReasoning(f, m)).id }),
    foreign: { entity: "decision", input: async (f) => ({ caseId: (await caseWithReasoning(f, A)).id }) },
  },

  [`${KEYS}#createApiKeyAction`]: { kind: "merchant", scope: "apikeys:manage", valid: async () => ({ name: "Shop backend" }) },
  [`${KEYS}#revokeApiKeyAction`]: {
    kind: "merchant",
    scope: "apikeys:manage",
    valid: async (f, m) => ({ keyId: (await createApiKey(f.prisma, m, "to revoke", null)).id }),
    foreign: { entity: "apikey", input: async (f) => ({ keyId: (await createApiKey(f.prisma, A, "A's key", null)).id }) },
  },

  [`${THRESHOLDS}#savePolicyAction`]: { kind: "merchant", scope: "thresholds:write", valid: async () => VALID_POLICY },
  [`${THRESHOLDS}#rollbackPolicyAction`]: {
    kind: "merchant",
    scope: "thresholds:write",
    valid: async () => ({ version: 1 }),
    foreign: { entity: "policy", input: async () => ({ version: 1 }) },
  },
  [`${THRESHOLDS}#reviewPolicyAction`]: {
    kind: "merchant",
    scope: "thresholds:write",
    valid: async (f, m) => ({ version: await pendingPolicy(f, m), approve: true }),
    foreign: { entity: "policy", input: async (f) => ({ version: await pendingPolicy(f, A), approve: true }) },
  },
  [`${THRESHOLDS}#setFourEyesAction`]: {
    kind: "merchant",
    scope: "thresholds:write",
    valid: async (f, m) => ({ on: !(await f.prisma.merchant.findUniqueOrThrow({ where: { id: m } })).fourEyes }),
  },

  [`${COSTS}#setBudgetAction`]: { kind: "merchant", scope: "costs:write", valid: async () => ({ month: "2026-12", amount: "1000" }) },
  [`${COSTS}#saveCostSettingsAction`]: { kind: "merchant", scope: "costs:write", valid: async () => ({ reviewHourlyRate: "80", webhookUrl: "" }) },
  [`${INSIGHTS}#acknowledgeDriftAlertAction`]: {
    kind: "merchant",
    scope: "thresholds:write",
    valid: async (f, m) => ({ alertId: await driftAlert(f, m) }),
    foreign: { entity: "alert", input: async (f) => ({ alertId: await driftAlert(f, A) }) },
  },
};

/** How a route handler decides who may call it. */
export type RouteSpec =
  | { kind: "session"; scope: Scope; call: (f: Fixture, merchantId: string) => Promise<[Request, { params: Promise<Record<string, string>> }]> }
  | { kind: "apikey"; why: string }
  | { kind: "public"; why: string };

const params = (p: Record<string, string>) => ({ params: Promise.resolve(p) });

export const ROUTES: Record<string, RouteSpec> = {
  "GET app/api/m/[merchantId]/queue/route.ts": {
    kind: "session",
    scope: "review:read",
    call: async (f, m) => {
      await reviewCase(f, m);
      return [new Request(`http://console.test/api/m/${m}/queue?lane=ai_review`), params({ merchantId: m })];
    },
  },
  "POST app/api/m/[merchantId]/whatif/route.ts": {
    kind: "session",
    scope: "thresholds:read",
    call: async (_f, m) => [
      new Request(`http://console.test/api/m/${m}/whatif`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ candidate: VALID_POLICY, days: 30 }) }),
      params({ merchantId: m }),
    ],
  },
  "GET app/api/m/[merchantId]/audit/export/route.ts": {
    kind: "session",
    scope: "audit:read",
    call: async (_f, m) => [new Request(`http://console.test/api/m/${m}/audit/export`), params({ merchantId: m })],
  },
  "GET app/api/m/[merchantId]/costs/export/route.ts": {
    kind: "session",
    scope: "costs:read",
    call: async (_f, m) => [new Request(`http://console.test/api/m/${m}/costs/export?from=2026-11-01&to=2026-11-30`), params({ merchantId: m })],
  },
  "POST app/api/v1/refund-requests/route.ts": { kind: "apikey", why: "the merchant's systems, with a per-merchant API key" },
  "GET app/api/v1/refund-requests/[caseId]/route.ts": { kind: "apikey", why: "the merchant's systems, with a per-merchant API key" },
  "POST app/api/alipay/notify/route.ts": { kind: "public", why: "Alipay's notifications, accepted only with Alipay's RSA2 signature" },
  "GET app/api/health/route.ts": { kind: "public", why: "load-balancer health check; reads nothing tenant-owned" },
  "GET app/api/ready/route.ts": { kind: "public", why: "readiness probe: database, migrations, gateway reachable; no tenant data" },
  "GET app/api/metrics/route.ts": { kind: "public", why: "Prometheus metrics, only with the METRICS_TOKEN bearer; off without it" },
  "GET app/api/auth/[...nextauth]/route.ts": { kind: "public", why: "next-auth: sign-in page data, CSRF token, session" },
  "POST app/api/auth/[...nextauth]/route.ts": { kind: "public", why: "next-auth: sign-in (CSRF-checked, throttled) and sign-out" },
};
