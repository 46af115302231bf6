import { createAlipayClient } from "../alipay/client";
import { prismaLedger } from "../alipay/ledger";
import { memoryRateLimiter } from "../alipay/rate-limit";
import type { Connection } from "../db/connect";
import type { PrismaClient } from "../generated/prisma/client";
import { drainOnce } from "../jobs/worker";
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultPhase,
  type FaultRuleInput,
} from "../sandbox/faults";
import type { Sandbox } from "../sandbox/server";
import {
  startTestSandbox,
  testKeys,
  TEST_APP_ID,
} from "../sandbox/test-helpers";
import type { WorkflowDeps } from "../workflows/deps";
import {
  accountFor,
  seedCases,
  type Accounting,
  type SandboxControl,
} from "./scenario";

export interface FaultMode {
  kind: FaultKind;
  phase: FaultPhase;
}

/**
 * Every fault kind before the gateway does anything, and after it did the work (the refund was
 * made, the AI call was charged) with the answer lost, late, mis-signed or replaced: the phase
 * where a careless client refunds twice.
 */
export const FAULT_MODES: FaultMode[] = FAULT_KINDS.flatMap((kind) =>
  (["before", "after"] as const).map((phase) => ({ kind, phase })),
);

export const modeName = (m: FaultMode) => `${m.kind}/${m.phase}`;

/** Per-attempt timeouts short enough that a "slow" answer times out without making the run slow. */
const TIMEOUT_MS = 3_000;

export function faultRule(
  mode: FaultMode,
  probability: number,
): FaultRuleInput {
  return {
    kind: mode.kind,
    phase: mode.phase,
    path: "/v3/alipay/",
    probability,
    ...(mode.kind === "slow" && { delayMs: TIMEOUT_MS + 500 }),
    ...(mode.kind === "rate_limit" && { retryAfterSeconds: 0 }),
  };
}

export function inProcessControl(sandbox: Sandbox): SandboxControl {
  return {
    createTrades: async (inputs) =>
      void inputs.forEach((t) => sandbox.createTrade(t)),
    createComplaints: async (inputs) =>
      void inputs.forEach((c) => sandbox.createComplaint(c)),
    state: async () => sandbox.state(),
  };
}

/** The product's client (signing, verification, retries, ledger) against a real sandbox over HTTP. */
export async function faultHarness(prisma: PrismaClient, seed: string) {
  const sandbox = await startTestSandbox({
    rateLimitPerMinute: 1_000_000,
    seed,
  });
  const client = createAlipayClient({
    baseUrl: sandbox.url,
    appId: TEST_APP_ID,
    appPrivateKey: testKeys().app.privateKey,
    alipayPublicKey: testKeys().alipay.publicKey,
    timeoutMs: TIMEOUT_MS,
    otherTimeoutMs: TIMEOUT_MS,
    deadlineMs: 10_000,
    maxAttempts: 3,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ledger: prismaLedger(prisma),
    rateLimiter: memoryRateLimiter({ perMinute: 1_000_000 }),
  });
  const deps: WorkflowDeps = {
    prisma,
    client,
    reasoningKey: Buffer.alloc(32, 7),
  };
  return { sandbox, deps, control: inProcessControl(sandbox) };
}

/**
 * Runs the real worker step (claim with a lease, run, complete or back off) with `workers`
 * workers side by side until no job is left. A job waiting out its back-off is made due at once:
 * the clock is fast-forwarded, nothing else is touched.
 */
export async function drainAll(
  deps: WorkflowDeps,
  { workers = 2, concurrency = 8, maxRounds = 10_000 } = {},
) {
  let rounds = 0;
  let fastForwards = 0;
  for (; rounds < maxRounds; rounds++) {
    // as runWorker does: a failed poll (the database busy) is logged and the loop goes on
    const ran = await Promise.allSettled(
      Array.from({ length: workers }, (_, w) =>
        drainOnce(deps, `rel-w${w}`, concurrency),
      ),
    );
    for (const r of ran)
      if (r.status === "rejected")
        console.error(
          "[reliability] drain failed:",
          r.reason instanceof Error ? r.reason.message : r.reason,
        );
    if (ran.some((r) => r.status === "rejected" || r.value > 0)) continue;
    // a job whose worker failed mid-way keeps its lease; in-process nobody else holds it, so it may expire now
    await deps.prisma.job.updateMany({
      where: { status: "RUNNING", lockedBy: { startsWith: "rel-w" } },
      data: { leaseUntil: new Date(Date.now() - 1_000) },
    });
    if ((await deps.prisma.job.count({ where: { status: "RUNNING" } })) > 0)
      continue;
    const waiting = await deps.prisma.job.updateMany({
      where: { status: "QUEUED" },
      data: { runAt: new Date(Date.now() - 1_000) },
    });
    if (waiting.count === 0) break;
    fastForwards += 1;
  }
  if (rounds >= maxRounds)
    throw new Error(`jobs still pending after ${maxRounds} rounds`);
  return { rounds, fastForwards };
}

export interface ModeResult {
  mode: string;
  cases: number;
  faultsFired: number;
  seconds: number;
  accounting: Accounting;
}

/** One mode: `n` fresh cases through the workers while the fault fires with `probability` on every gateway path. */
export async function runFaultMode(
  conn: Connection,
  mode: FaultMode,
  n: number,
  { probability = 0.35, concurrency = 8, seed = "matrix" } = {},
): Promise<ModeResult> {
  const started = performance.now();
  const h = await faultHarness(conn.prisma, `${seed}-${modeName(mode)}`);
  try {
    const merchantId = `m-${mode.kind.replaceAll("_", "-")}-${mode.phase}`;
    const seeded = await seedCases(conn.prisma, h.control, n, {
      merchantId,
      prefix: `${mode.kind}-${mode.phase}-`,
    });
    h.sandbox.setFaults([faultRule(mode, probability)]);
    await drainAll(h.deps, { concurrency });
    const faultsFired = h.sandbox
      .state()
      .faults.reduce((s, f) => s + f.fired, 0);
    h.sandbox.clearFaults();
    const accounting = await accountFor(conn.prisma, h.control, seeded);
    return {
      mode: modeName(mode),
      cases: n,
      faultsFired,
      seconds: (performance.now() - started) / 1000,
      accounting,
    };
  } finally {
    await h.sandbox.close();
  }
}
