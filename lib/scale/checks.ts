import type { ConversationUsage } from "../sandbox/usage";
import type { MultiInstanceResult } from "./run";

/** What one refund case's assessment asks the AI: one conversation on each. */
export const REFUND_ENDPOINTS = ["risk_score", "refund_assess"] as const;

export interface ConversationAudit {
  /** conversations per endpoint */
  byEndpoint: Record<string, number>;
  /** conversations billed more than once */
  chargedTwice: number;
  /** (case, endpoint) pairs with more than one conversation */
  casesWithSeveral: number;
  /** (case, endpoint) pairs the case needed and the sandbox never answered */
  casesWithout: number;
  /** conversations that name no case of this run */
  unmatched: number;
}

/**
 * Reads the sandbox's per-conversation count against the cases: a conversation id is
 * `<case id>:<step>` (lib/workflows/assess.ts), so "assessed twice" is a conversation billed more
 * than once, or two conversations for one case on one endpoint.
 */
export function auditConversations(caseIds: readonly string[], list: readonly ConversationUsage[]): ConversationAudit {
  const known = new Set(caseIds);
  const perCase = new Map<string, number>();
  const byEndpoint: Record<string, number> = {};
  let chargedTwice = 0;
  let unmatched = 0;
  for (const c of list) {
    byEndpoint[c.endpoint] = (byEndpoint[c.endpoint] ?? 0) + 1;
    if (c.charged > 1) chargedTwice += 1;
    const caseId = c.conversationId.slice(0, Math.max(0, c.conversationId.lastIndexOf(":")));
    if (!known.has(caseId)) {
      unmatched += 1;
      continue;
    }
    const key = `${caseId}\u0000${c.endpoint}`;
    perCase.set(key, (perCase.get(key) ?? 0) + 1);
  }
  let casesWithSeveral = 0;
  let casesWithout = 0;
  for (const id of caseIds) {
    for (const endpoint of REFUND_ENDPOINTS) {
      const n = perCase.get(`${id}\u0000${endpoint}`) ?? 0;
      if (n === 0) casesWithout += 1;
      if (n > 1) casesWithSeveral += 1;
    }
  }
  return { byEndpoint, chargedTwice, casesWithSeveral, casesWithout, unmatched };
}

export interface CheckOptions {
  /**
   * At saturation the gateway may refuse a call its window has no room for (arrival jitter):
   * allowed, as long as nothing is lost (every case decided once, every job done).
   */
  allowRetried429?: boolean;
}

/** What must hold after a multi-instance run; an empty list means it passed. */
export function checkMultiInstance(r: MultiInstanceResult, { allowRetried429 = false }: CheckOptions = {}): string[] {
  const problems: string[] = [];
  if (r.decisions.cases !== r.cases) problems.push(`${r.decisions.cases} cases stored for ${r.cases} requests`);
  if (r.decisions.withMore > 0) problems.push(`${r.decisions.withMore} cases have more than one AI decision`);
  if (r.decisions.withNone > 0) problems.push(`${r.decisions.withNone} cases have no AI decision`);
  if (r.decisions.aiFailed > 0) problems.push(`${r.decisions.aiFailed} cases were decided without the AI (it failed or timed out)`);
  const c = r.sandbox.conversations;
  if (c.chargedTwice > 0) problems.push(`the sandbox charged ${c.chargedTwice} conversations more than once`);
  if (c.casesWithSeveral > 0) problems.push(`the sandbox saw ${c.casesWithSeveral} (case, endpoint) pairs with more than one conversation`);
  if (c.casesWithout > 0) problems.push(`the sandbox saw no conversation for ${c.casesWithout} (case, endpoint) pairs`);
  if (c.unmatched > 0) problems.push(`the sandbox saw ${c.unmatched} conversations that name no case`);
  if (c.unkeyedCalls > 0) problems.push(`the sandbox answered ${c.unkeyedCalls} AI calls without a conversation_id`);
  const w = r.sandbox.window;
  // What our clients asked for (accepted or refused), by the sandbox's count of arrivals. What it
  // accepted cannot pass the limit (the sandbox enforces it), so that figure proves nothing.
  // At saturation, arrival jitter may push a call or two over (refused, retried); the shared bucket
  // must still hold the demand to the limit within 10%.
  const allowed = allowRetried429 ? Math.ceil(w.limit * 1.1) : w.limit;
  if (w.peakAttempted > allowed) problems.push(`our clients sent ${w.peakAttempted} calls in one ${w.windowMs / 1000} s window, over ${allowed === w.limit ? "the limit" : "110% of the limit"} of ${w.limit}`);
  if (w.refused > 0 && !allowRetried429) problems.push(`the sandbox refused ${w.refused} calls over the limit (429)`);
  if (r.ledger.rateLimited > 0 && !allowRetried429) problems.push(`${r.ledger.rateLimited} RATE_LIMITED attempts in the ledger`);
  if (r.jobs.pending > 0) problems.push(`${r.jobs.pending} jobs still pending`);
  if (r.jobs.failed > 0) problems.push(`${r.jobs.failed} jobs failed for good`);
  for (const [m, q] of Object.entries(r.queue)) if (!q.same) problems.push(`the queue of ${m} differs between the two instances`);
  return problems;
}
