import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { CaseStatus } from "../generated/prisma/enums";
import type { CreateComplaintInput } from "../sandbox/complaints";
import type { CreateTradeInput } from "../sandbox/refunds";
import type { SandboxState } from "../sandbox/server";

/** What a scenario needs of the sandbox, in process or over its control API. */
export interface SandboxControl {
  createTrades(inputs: CreateTradeInput[]): Promise<void>;
  createComplaints(inputs: CreateComplaintInput[]): Promise<void>;
  state(): Promise<Pick<SandboxState, "trades" | "complaints" | "billing">>;
}

/** Over HTTP, for a sandbox in another process (`npm run sandbox`). */
export function httpSandboxControl(url: string): SandboxControl {
  // creating a trade or a not-yet-answered complaint again is harmless, so a reset connection is retried
  const post = async (
    path: string,
    body: unknown,
    attempt = 1,
  ): Promise<void> => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
      return post(path, body, attempt + 1);
    }
    if (!res.ok)
      throw new Error(
        `sandbox ${path}: HTTP ${res.status} ${await res.text()}`,
      );
  };
  const each = async <T>(items: T[], fn: (item: T) => Promise<void>) => {
    for (let i = 0; i < items.length; i += 8)
      await Promise.all(items.slice(i, i + 8).map(fn));
  };
  return {
    createTrades: (inputs) => each(inputs, (t) => post("/__sandbox/trades", t)),
    createComplaints: (inputs) =>
      each(inputs, (c) => post("/__sandbox/complaints", c)),
    state: async () => {
      const res = await fetch(`${url}/__sandbox/state`);
      if (!res.ok) throw new Error(`sandbox state: HTTP ${res.status}`);
      return (await res.json()) as SandboxState;
    },
  };
}

export type SeedKind =
  "assess_refund" | "assess_dispute" | "execute_refund" | "submit_feedback";

/**
 * One in ten of each: five new refunds to assess (small, so many are approved and refunded
 * automatically), one new dispute, three refunds a person approved (one partially), one dispute
 * reply a person wrote. Every job kind the workers run, through the paths a case really takes.
 */
export function seedKind(i: number): SeedKind {
  const k = i % 10;
  if (k < 5) return "assess_refund";
  if (k === 5) return "assess_dispute";
  if (k < 9) return "execute_refund";
  return "submit_feedback";
}

export interface Seeded {
  merchantId: string;
  caseIds: string[];
  kinds: Record<SeedKind, number>;
  kindOf: Map<string, SeedKind>;
}

/** Writes `n` cases with their jobs (as intake and review write them) and their trades and complaints in the sandbox. */
export async function seedCases(
  prisma: PrismaClient,
  sandbox: SandboxControl,
  n: number,
  {
    merchantId = "m-rel",
    prefix = "R",
  }: { merchantId?: string; prefix?: string } = {},
): Promise<Seeded> {
  await prisma.merchant.upsert({
    where: { id: merchantId },
    create: { id: merchantId, name: `Reliability ${merchantId}` },
    update: {},
  });
  const kinds: Record<SeedKind, number> = {
    assess_refund: 0,
    assess_dispute: 0,
    execute_refund: 0,
    submit_feedback: 0,
  };
  const cases: Prisma.CaseCreateManyInput[] = [];
  const jobs: { merchantId: string; kind: string; caseId: string }[] = [];
  const trades: CreateTradeInput[] = [];
  const complaints: CreateComplaintInput[] = [];
  const caseIds: string[] = [];
  const kindOf = new Map<string, SeedKind>();
  for (let i = 0; i < n; i++) {
    const kind = seedKind(i);
    kinds[kind] += 1;
    const id = `${prefix}${i}`;
    const outTradeNo = `${prefix}T${i}`;
    // 10.00 to 179.99 CNY: under the 200 CNY human-in-the-loop limit, so the AI decides many alone
    const paid = 1_000 + ((i * 7_919) % 17_000);
    const dispute = kind === "assess_dispute" || kind === "submit_feedback";
    const approved =
      kind === "execute_refund"
        ? i % 10 === 8
          ? Math.max(1, Math.floor(paid / 2))
          : paid
        : null;
    const status: CaseStatus =
      kind === "execute_refund"
        ? "APPROVED"
        : kind === "submit_feedback"
          ? "EXECUTING"
          : "NEW";
    cases.push({
      id,
      merchantId,
      kind: dispute ? "DISPUTE" : "REFUND",
      status,
      outTradeNo,
      outRequestNo: `RF-${outTradeNo}`,
      paidAmountFen: paid,
      requestedAmountFen: paid,
      approvedAmountFen: approved,
      reasonText: dispute ? "未收到货" : "Item not as described",
      customerId: `2088${String(i).padStart(12, "0")}`,
      merchantCategory: "tea",
      ...(dispute && {
        complainEventId: `CE-${outTradeNo}`,
        disputeDeadline: new Date(Date.now() + 3 * 86_400_000),
      }),
      ...(kind === "submit_feedback" && {
        feedbackCode: "02",
        feedbackContent: "已与买家沟通，安排退款",
        decidedAt: new Date(),
      }),
      ...(kind === "execute_refund" && {
        route: "REVIEW",
        routeReasons: ["GREY_BAND"],
        decidedAt: new Date(),
        decisionCode: "ITEM_NOT_AS_DESCRIBED",
      }),
    });
    jobs.push({
      merchantId,
      kind:
        kind === "assess_refund" || kind === "assess_dispute" ? "assess" : kind,
      caseId: id,
    });
    trades.push({
      out_trade_no: outTradeNo,
      total_amount: (paid / 100).toFixed(2),
    });
    if (dispute)
      complaints.push({
        complain_event_id: `CE-${outTradeNo}`,
        out_trade_no: outTradeNo,
        complain_reason: "未收到货",
      });
    caseIds.push(id);
    kindOf.set(id, kind);
  }
  await sandbox.createTrades(trades);
  await sandbox.createComplaints(complaints);
  for (let i = 0; i < cases.length; i += 1_000) {
    await prisma.case.createMany({ data: cases.slice(i, i + 1_000) });
    await prisma.job.createMany({ data: jobs.slice(i, i + 1_000) });
  }
  return { merchantId, caseIds, kinds, kindOf };
}

const FINAL: CaseStatus[] = [
  "REFUNDED",
  "REJECTED",
  "CLOSED",
  "FEEDBACK_SUBMITTED",
];
const IN_REVIEW: CaseStatus[] = ["REVIEW", "ESCALATED"];

const AI_ENDPOINTS: Record<string, string> = {
  risk_score: "ai.risk.score",
  refund_assess: "ai.refund.assess",
  dispute_analyze: "ai.dispute.analyze",
};

/** Exact decimal strings (up to 6 places) to integer micro-yuan, so sums never meet a float. */
export function micro(value: string | { toString(): string }): bigint {
  const s = value.toString();
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) throw new Error(`not a decimal amount: ${s}`);
  const v = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] ? -v : v;
}

export const yuanOfMicro = (v: bigint) =>
  `${v < 0n ? "-" : ""}${(v < 0n ? -v : v) / 1_000_000n}.${String((v < 0n ? -v : v) % 1_000_000n).padStart(6, "0")}`;

export interface Problem {
  caseId: string;
  what: string;
}

export interface Accounting {
  cases: number;
  byStatus: Partial<Record<CaseStatus, number>>;
  final: number;
  inReview: number;
  /** FAILED with the reason, on the cases page for a person (refused by Alipay, or a job that gave up) */
  failedVisible: number;
  /** not final, not in review, not visibly failed, or missing: must be 0 */
  lost: Problem[];
  /** from the sandbox's own bookkeeping: more than one refund for a case, or more than approved: must be 0 */
  doubleRefunds: Problem[];
  /** the database and the sandbox disagree about money: must be 0 */
  moneyMismatches: Problem[];
  /** a decision, refund or reply recorded without a verified answer behind it: must be 0 */
  unverifiedActions: Problem[];
  /** a second decision or a second "refund executed" for one case: must be 0 */
  duplicates: Problem[];
  /** the ledger billing one conversation or one refund twice: must be 0 */
  doubleBilling: Problem[];
  refundsApplied: number;
  refundedFen: number;
  unverifiedResponses: number;
  ledgerRows: number;
  retriedAttempts: number;
  ai: {
    sandboxCharged: string;
    ledger: string;
    chargedCalls: number;
    replayedCalls: number;
  };
  jobs: { done: number; failed: number; open: number };
}

export const problemCount = (a: Accounting) =>
  a.lost.length +
  a.doubleRefunds.length +
  a.moneyMismatches.length +
  a.unverifiedActions.length +
  a.duplicates.length +
  a.doubleBilling.length;

/**
 * Accounts for every seeded case against the database, the API-call ledger and the sandbox's
 * own bookkeeping of refunds, complaints and charges.
 */
export async function accountFor(
  prisma: PrismaClient,
  sandbox: SandboxControl,
  seeded: Seeded,
): Promise<Accounting> {
  const { merchantId } = seeded;
  const state = await sandbox.state();
  const rows = await prisma.case.findMany({
    where: { merchantId, id: { in: seeded.caseIds } },
    select: {
      id: true,
      kind: true,
      status: true,
      outTradeNo: true,
      approvedAmountFen: true,
      refundedAmountFen: true,
      lastError: true,
      complainEventId: true,
      feedbackCode: true,
    },
  });
  const decisions = await prisma.aiDecision.groupBy({
    by: ["caseId"],
    where: { merchantId },
    _count: { _all: true },
  });
  const okDecisions = await prisma.aiDecision.findMany({
    where: { merchantId, recommendation: { not: null } },
    select: { caseId: true },
  });
  const calls = await prisma.apiCall.findMany({
    where: { merchantId },
    select: {
      caseId: true,
      endpoint: true,
      outcome: true,
      attempt: true,
      costCny: true,
      feeCny: true,
    },
  });
  const audits = await prisma.auditEvent.groupBy({
    by: ["targetId", "action"],
    where: {
      merchantId,
      action: {
        in: ["case.routed", "refund.executed", "dispute.feedback_submitted"],
      },
    },
    _count: { _all: true },
  });
  const jobs = await prisma.job.groupBy({
    by: ["status"],
    where: { merchantId },
    _count: { _all: true },
  });

  const trades = new Map(state.trades.map((t) => [t.out_trade_no, t]));
  const complaints = new Map(
    state.complaints.map((c) => [c.complain_event_id, c]),
  );
  const success = new Set<string>();
  const feeRows = new Map<string, number>();
  const costRows = new Map<string, number>();
  let unverifiedResponses = 0;
  let retriedAttempts = 0;
  let ledgerAi = 0n;
  for (const c of calls) {
    if (c.outcome === "SUCCESS") success.add(`${c.caseId}|${c.endpoint}`);
    if (c.outcome === "INVALID_SIGNATURE" || c.outcome === "MALFORMED")
      unverifiedResponses += 1;
    if (c.attempt > 1) retriedAttempts += 1;
    if (micro(c.feeCny) > 0n)
      feeRows.set(c.caseId ?? "", (feeRows.get(c.caseId ?? "") ?? 0) + 1);
    if (c.endpoint.startsWith("ai.")) {
      ledgerAi += micro(c.costCny);
      if (micro(c.costCny) > 0n)
        costRows.set(
          `${c.caseId}|${c.endpoint}`,
          (costRows.get(`${c.caseId}|${c.endpoint}`) ?? 0) + 1,
        );
    }
  }

  const a: Accounting = {
    cases: seeded.caseIds.length,
    byStatus: {},
    final: 0,
    inReview: 0,
    failedVisible: 0,
    lost: [],
    doubleRefunds: [],
    moneyMismatches: [],
    unverifiedActions: [],
    duplicates: [],
    doubleBilling: [],
    refundsApplied: 0,
    refundedFen: 0,
    unverifiedResponses,
    ledgerRows: calls.length,
    retriedAttempts,
    ai: {
      sandboxCharged: "0",
      ledger: yuanOfMicro(ledgerAi),
      chargedCalls: state.billing.chargedCalls,
      replayedCalls: state.billing.replayedCalls,
    },
    jobs: { done: 0, failed: 0, open: 0 },
  };
  for (const j of jobs) {
    if (j.status === "DONE") a.jobs.done += j._count._all;
    else if (j.status === "FAILED") a.jobs.failed += j._count._all;
    else a.jobs.open += j._count._all;
  }
  a.ai.sandboxCharged = state.billing.totalFee;
  if (ledgerAi > micro(state.billing.totalFee))
    a.doubleBilling.push({
      caseId: "*",
      what: `ledger AI cost ${yuanOfMicro(ledgerAi)} above what the sandbox charged ${state.billing.totalFee}`,
    });
  const perKind = {
    risk_score: seeded.kinds.assess_refund,
    refund_assess: seeded.kinds.assess_refund,
    dispute_analyze: seeded.kinds.assess_dispute,
  };
  for (const [endpoint, b] of Object.entries(state.billing.byEndpoint)) {
    const most = perKind[endpoint as keyof typeof perKind] ?? 0;
    if (b.calls > most)
      a.doubleBilling.push({
        caseId: "*",
        what: `sandbox charged ${b.calls} ${AI_ENDPOINTS[endpoint] ?? endpoint} calls for ${most} conversations`,
      });
  }
  for (const [key, n] of costRows)
    if (n > 1)
      a.doubleBilling.push({
        caseId: key.split("|")[0]!,
        what: `${n} charged ledger rows for ${key.split("|")[1]}`,
      });

  const decisionCount = new Map(
    decisions.map((d) => [d.caseId, d._count._all]),
  );
  const okDecision = new Set(okDecisions.map((d) => d.caseId));
  const auditCount = new Map(
    audits.map((x) => [`${x.targetId}|${x.action}`, x._count._all]),
  );
  const seen = new Set<string>();

  for (const c of rows) {
    seen.add(c.id);
    a.byStatus[c.status] = (a.byStatus[c.status] ?? 0) + 1;
    if (FINAL.includes(c.status)) a.final += 1;
    else if (IN_REVIEW.includes(c.status)) a.inReview += 1;
    else if (c.status === "FAILED" && c.lastError) a.failedVisible += 1;
    else a.lost.push({ caseId: c.id, what: `ended in ${c.status}` });

    const trade = trades.get(c.outTradeNo);
    const refunds = trade?.refunds ?? [];
    const refundedFen = refunds.reduce(
      (s, r) => s + Number(micro(r.refund_amount) / 10_000n),
      0,
    );
    a.refundsApplied += refunds.length;
    a.refundedFen += refundedFen;
    if (
      refunds.length > 1 ||
      new Set(refunds.map((r) => r.out_request_no)).size !== refunds.length
    )
      a.doubleRefunds.push({
        caseId: c.id,
        what: `${refunds.length} refunds on one trade`,
      });
    if (refundedFen > (c.approvedAmountFen ?? 0))
      a.doubleRefunds.push({
        caseId: c.id,
        what: `refunded ${refundedFen} fen, approved ${c.approvedAmountFen ?? 0}`,
      });
    if (
      c.refundedAmountFen !== refundedFen &&
      !(c.status === "FAILED" && c.refundedAmountFen === 0)
    ) {
      a.moneyMismatches.push({
        caseId: c.id,
        what: `case says ${c.refundedAmountFen} fen refunded (${c.status}), sandbox ${refundedFen}`,
      });
    }
    if (c.status === "REFUNDED" && refunds.length !== 1)
      a.moneyMismatches.push({
        caseId: c.id,
        what: "REFUNDED without a refund at the sandbox",
      });
    if ((feeRows.get(c.id) ?? 0) > 1)
      a.doubleBilling.push({
        caseId: c.id,
        what: `${feeRows.get(c.id)} ledger rows carry the refund fee`,
      });

    // Acted on only what verified: every recorded AI opinion, refund and reply has a verified answer behind it.
    if (okDecision.has(c.id)) {
      const needed =
        c.kind === "REFUND"
          ? ["ai.risk.score", "ai.refund.assess"]
          : ["ai.dispute.analyze"];
      for (const e of needed)
        if (!success.has(`${c.id}|${e}`))
          a.unverifiedActions.push({
            caseId: c.id,
            what: `AI decision stored without a verified ${e} answer`,
          });
    }
    if (
      c.status === "REFUNDED" &&
      !success.has(`${c.id}|trade.refund`) &&
      !success.has(`${c.id}|trade.refund.query`)
    ) {
      a.unverifiedActions.push({
        caseId: c.id,
        what: "REFUNDED without a verified refund or refund-query answer",
      });
    }
    if (c.status === "FEEDBACK_SUBMITTED") {
      if (!success.has(`${c.id}|tradecomplain.feedback`))
        a.unverifiedActions.push({
          caseId: c.id,
          what: "FEEDBACK_SUBMITTED without a verified answer",
        });
      const complaint = c.complainEventId
        ? complaints.get(c.complainEventId)
        : undefined;
      if (!complaint || complaint.feedbacks.length === 0)
        a.moneyMismatches.push({
          caseId: c.id,
          what: "FEEDBACK_SUBMITTED but the sandbox has no reply",
        });
    }

    if ((decisionCount.get(c.id) ?? 0) > 1)
      a.duplicates.push({
        caseId: c.id,
        what: `${decisionCount.get(c.id)} AI decisions`,
      });
    for (const action of [
      "case.routed",
      "refund.executed",
      "dispute.feedback_submitted",
    ]) {
      const n = auditCount.get(`${c.id}|${action}`) ?? 0;
      if (n > 1) a.duplicates.push({ caseId: c.id, what: `${n} × ${action}` });
    }
  }
  for (const id of seeded.caseIds)
    if (!seen.has(id))
      a.lost.push({ caseId: id, what: "missing from the database" });
  return a;
}

export function summarize(a: Accounting): string {
  const statuses = Object.entries(a.byStatus)
    .sort()
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  return [
    `${a.cases} cases: ${a.final} final, ${a.inReview} in review, ${a.failedVisible} failed with the reason shown, ${a.lost.length} lost (${statuses})`,
    `refunds at the sandbox ${a.refundsApplied} (${(a.refundedFen / 100).toFixed(2)} CNY), twice or above approved ${a.doubleRefunds.length}, money mismatches ${a.moneyMismatches.length}`,
    `unverified responses ${a.unverifiedResponses}, actions on them ${a.unverifiedActions.length}; duplicate decisions or executions ${a.duplicates.length}`,
    `ledger ${a.ledgerRows} rows (${a.retriedAttempts} retry attempts), AI cost in the ledger ${a.ai.ledger} CNY of ${a.ai.sandboxCharged} charged (${a.ai.chargedCalls} charged calls, ${a.ai.replayedCalls} free replays), double billing ${a.doubleBilling.length}`,
  ].join("\n  ");
}
